/**
 * `runCli(argv)`: the whole `atlas` command line as a function, for `bin/atlas.js` and for tests that
 * run commands in process. It never exits the process: it resolves to the exit code.
 */
import { Command, CommanderError } from 'commander';
import { userMessage } from '../core/errors.js';
import { addCommands, moduleFor } from './commands/index.js';
import { cliIo, withCliIo, type CliStream } from './io.js';

export interface RunCliIo {
  stdout?: CliStream;
  stderr?: CliStream;
}

/** Runs `atlas <argv...>` (argv without the node and script paths) and resolves to its exit code. */
export async function runCli(argv: readonly string[], io: RunCliIo = {}): Promise<number> {
  const outer = cliIo();
  const streams = { stdout: io.stdout ?? outer.stdout, stderr: io.stderr ?? outer.stderr };
  return withCliIo(streams, async () => {
    const program = new Command()
      .name('atlas')
      .description('neuron-atlas: label every neuron of a vision network with CLIP-Dissect and serve the atlas')
      .showHelpAfterError()
      // Set before the commands are added so that every subcommand inherits them.
      .exitOverride()
      .configureOutput({
        writeOut: (text) => streams.stdout.write(text),
        writeErr: (text) => streams.stderr.write(text),
        getOutHelpWidth: () => terminalWidth(streams.stdout),
        getErrHelpWidth: () => terminalWidth(streams.stderr),
      });
    try {
      const module = moduleFor(argv);
      addCommands(program, module && { module, register: (await module.load()).register });
      await program.parseAsync([...argv], { from: 'user' });
      return 0;
    } catch (error: unknown) {
      // Commander has already printed its own message (usage errors) or the help text.
      if (error instanceof CommanderError) return error.exitCode;
      // Never SQL text: a failed statement is shown by the database's reason (userMessage).
      streams.stderr.write(`atlas: ${userMessage(error)}\n`);
      return 1;
    }
  });
}

/** Help wraps at the terminal's width, as commander does by default; at its 80 columns elsewhere. */
function terminalWidth(stream: CliStream): number {
  const columns = (stream as { columns?: unknown }).columns;
  return stream.isTTY && typeof columns === 'number' ? columns : 80;
}
