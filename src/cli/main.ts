import { Command } from 'commander';
import { commands } from './commands/index.js';

const program = new Command()
  .name('atlas')
  .description('neuron-atlas: label every neuron of a vision network with CLIP-Dissect and serve the atlas')
  .showHelpAfterError();

for (const register of commands) register(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`atlas: ${message}\n`);
  process.exitCode = 1;
});
