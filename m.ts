import { PGlite } from '@electric-sql/pglite';
let t = performance.now();
const p = await PGlite.create('memory://');
await p.exec('create table x(a int)');
const dump = await p.dumpDataDir('none');
console.log('create+dump', (performance.now()-t).toFixed(0)); t = performance.now();
for (let i=0;i<3;i++){ t = performance.now();
const q = await PGlite.create({ loadDataDir: dump });
console.log('from dump', (performance.now()-t).toFixed(0), (await q.query('select count(*) from x')).rows);}
