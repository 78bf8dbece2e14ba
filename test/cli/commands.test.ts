import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandModules } from '../../src/cli/commands/index.js';

describe('command metadata', () => {
  // The top-level help is printed from this table without loading the modules: it must say what
  // the modules themselves register.
  it.each(commandModules.map((m) => [m.commands.map((c) => c.name).join(', '), m] as const))(
    '%s: names, help terms and summaries match the module',
    async (_names, module) => {
      const program = new Command();
      (await module.load()).register(program);
      const help = program.createHelp();
      expect(program.commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), summary: c.description() }))).toEqual(module.commands);
    },
  );

  it('names every command once', () => {
    const names = commandModules.flatMap((m) => m.commands.map((c) => c.name));
    expect(new Set(names).size).toBe(names.length);
  });
});
