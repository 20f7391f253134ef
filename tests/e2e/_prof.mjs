import { start } from './playground.mjs';
const env = await start();
const Q = process.env.Q ?? 'pool=2&workload=io&tasks=1000000&io_ms=100';
const pg = await env.open(Q);
const s = process.env.S ?? 'async';
await pg.run(s);
const cdp = await pg.page.context().newCDPSession(pg.page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
await cdp.send('Profiler.start');
const r = await pg.run(s);
const { profile } = await cdp.send('Profiler.stop');
console.log('makespan', r.makespan);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const n = byId.get(profile.samples[i]);
  const name = n.callFrame.functionName || `(${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber})`;
  self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0) / 1000);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log('total ms', total.toFixed(1));
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 40))) console.log(v.toFixed(1).padStart(8), k.slice(0, 150));
await env.stop();
process.exit(0);
