// Toy-world generator throughput: scenes annotated + rendered per second on one core.
// usage: npm run bench -- toyworld [--n 5000] [--size 64]
// Baseline: the project's requirement of 2,000 images/s at 64x64; ratio = measured / baseline.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { generateScene, renderScene, sceneMasks } from '../src/toyworld/index.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '5000' }, size: { type: 'string', default: '64' } } });
const n = Number(values.n);
const size = Number(values.size);
const BASELINE_IMAGES_PER_S = 2000;

function rate(label: string, work: (i: number) => unknown): number {
  for (let i = 0; i < 200; i++) work(i); // warm-up (JIT)
  const t0 = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < n; i++) sink += work(i) ? 1 : 0;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const perS = n / seconds;
  process.stderr.write(`${label.padEnd(28)} ${perS.toFixed(0).padStart(8)} /s  (${n} in ${seconds.toFixed(2)}s, sink ${sink})\n`);
  return perS;
}

process.stderr.write(`cpus: ${cpus().length} (single-threaded benchmark), size ${size}x${size}\n`);
const scenes = rate('generateScene', (i) => generateScene(42, i));
const images = rate('generateScene+renderScene', (i) => renderScene(generateScene(42, i), size).rgb.length);
const masks = rate('generateScene+sceneMasks', (i) => sceneMasks(generateScene(42, i), size).size);
process.stderr.write(`render vs baseline ${BASELINE_IMAGES_PER_S}/s: ratio ${(images / BASELINE_IMAGES_PER_S).toFixed(2)}x\n`);
console.log(
  JSON.stringify({
    bench: 'toyworld',
    cpus: cpus().length,
    size,
    n,
    scenesPerS: Math.round(scenes),
    imagesPerS: Math.round(images),
    masksPerS: Math.round(masks),
    baselineImagesPerS: BASELINE_IMAGES_PER_S,
    ratio: Number((images / BASELINE_IMAGES_PER_S).toFixed(2)),
  }),
);
