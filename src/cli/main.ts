import { runCli } from './run.js';

// `atlas layers model.onnx | head`: once the reader has gone, stop quietly, as other tools do,
// instead of failing with a stack trace on the next write.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

process.exitCode = await runCli(process.argv.slice(2));
