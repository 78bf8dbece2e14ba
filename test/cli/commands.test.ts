import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandModules, moduleFor } from '../../src/cli/commands/index.js';

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

  // runCli loads only this module (none for the top-level help): `atlas --help` stays as cheap
  // as starting Node plus commander.
  it('picks the one module a command line needs, and none for the top-level help or a typo', () => {
    const of = (...argv: string[]) => moduleFor(argv)?.commands.map((c) => c.name);
    expect(of('--help')).toBeUndefined();
    expect(of()).toBeUndefined();
    expect(of('help')).toBeUndefined();
    expect(of('lyers')).toBeUndefined();
    expect(of('layers', 'model.onnx', '--json')).toEqual(['layers']);
    expect(of('--help', 'layers')).toEqual(['layers']);
    expect(of('help', 'seed')).toEqual(['netdissect', 'eval', 'seed']);
    expect(of('db', 'runs', '--help')).toEqual(['db']);
  });
});
