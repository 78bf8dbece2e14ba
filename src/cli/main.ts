import { Command } from 'commander';
import { loadCommands } from './commands/index.js';

const program = new Command()
  .name('atlas')
  .description('neuron-atlas: label every neuron of a vision network with CLIP-Dissect and serve the atlas')
  .showHelpAfterError();

try {
  for (const register of await loadCommands(process.argv.slice(2))) register(program);
  await program.parseAsync(process.argv);
} catch (error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`atlas: ${message}\n`);
  process.exitCode = 1;
}
