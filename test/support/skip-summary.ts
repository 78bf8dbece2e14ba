/**
 * A reporter that ends the run with the tests that skipped themselves and why (the note given to
 * `ctx.skip(note)`), grouped by reason, so a local run that lacks ../shared or a GPU says so
 * instead of only counting skips. Tests left out by a filter or `.skip` carry no note and are not
 * listed.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SkipSummary implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    // reason -> file -> test names
    const byNote = new Map<string, Map<string, string[]>>();
    let total = 0;
    for (const module of modules) {
      for (const test of module.children.allTests('skipped')) {
        const result = test.result();
        if (result.state !== 'skipped' || !result.note) continue;
        const files = byNote.get(result.note) ?? new Map<string, string[]>();
        byNote.set(result.note, files);
        files.set(module.relativeModuleId, [...(files.get(module.relativeModuleId) ?? []), test.fullName]);
        total++;
      }
    }
    if (total === 0) return;
    const lines = [`${total} test(s) skipped themselves:`];
    for (const [note, files] of byNote) {
      lines.push(`  ${note}:`);
      for (const [file, names] of files) {
        lines.push(names.length === 1 ? `    ${file} > ${names[0]}` : `    ${file}: ${names.length} tests`);
      }
    }
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
  }
}
