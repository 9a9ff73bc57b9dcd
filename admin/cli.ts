/**
 * The merchant's admin CLI, on @cloudbase/node-sdk: `npm run admin -- <command> [options]`.
 * Points at the local cloud by default (the one `npm start` runs: CLOUD_URL, else 127.0.0.1 on CLOUD_PORT) and at a real environment with
 * --env <envId> (credentials from TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY / TENCENTCLOUD_SESSIONTOKEN).
 *
 * Exit codes: 0 done, 1 the work failed (invalid rows, a failed write, a cloud error), 2 bad usage.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { connect, defaultCloudUrl, localTarget, readAll, UsageError, type Cloud } from './cloud';
import { seedDemoCatalog } from './demo-catalog';
import { dbInit, DEFAULT_DATABASE_CONFIG, loadDatabaseConfig } from './db-init';
import { progressBar, type Progress } from './progress';
import { reindexProducts, type ReindexResult } from './search-index';
import { addThumbnails, backfillThumbnails, describeOutcomes, THUMB } from './thumbnails';
import { existingIds, ImportFailed, ordersToCsv, productsToCsv, readProductFile, toJsonLines, validateRecords, writeProducts, type RowProblem } from './products-io';
import { describeShippingTemplate, readShippingTemplate, writeShippingTemplate } from './shipping';
import { callMerchant } from './merchant-client';
import { dataOf } from '../server/call-action';
import { digestId } from '../server/ids';
import { normalizeProduct } from '../miniprogram/domain/normalize';
import { idProblem, suggestId } from '../miniprogram/domain/ids';
import { CARRIERS, isCarrier } from '../miniprogram/domain/carriers';
import type { AttributionDimension, AttributionReportRequest } from '../typings/api';
import { toCsv } from '../console/ui/csv';
import { chinaDayStart } from '../console/ui/i18n';
import { attributionReportTable, DIMENSION_TITLES, scanReportTable, type ReportTable } from '../console/ui/report-tables';
import { campaignTarget, createSceneQr, printableSheet, productTarget, safeName, type QrRequest } from './qr';

const COMMON_HELP = `Target (every command):
  --cloud <url>     the local cloud (default $CLOUD_URL, else http://127.0.0.1:$CLOUD_PORT, port 9777 unless set)
  --env <envId>     a real CloudBase environment; credentials from TENCENTCLOUD_SECRETID,
                    TENCENTCLOUD_SECRETKEY (and TENCENTCLOUD_SESSIONTOKEN). With --cloud too: that env id locally.`;

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(cloud: () => Promise<Cloud>, values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  seed: {
    summary: 'write the demo catalog (6 categories, 41 products, images in storage)',
    usage: `seed [--no-images] [--if-empty]
  Idempotent: documents are set by id (demo-p01 … demo-p41, c-apparel …).
  --no-images   placeholder image URLs instead of PNGs uploaded to storage
  --if-empty    do nothing when the products collection already has documents`,
    options: { 'no-images': { type: 'boolean' }, 'if-empty': { type: 'boolean' } },
    async run(cloud, values) {
      const c = await cloud();
      const bar = progressBar('seed', 41);
      const started = Date.now();
      const result = await seedDemoCatalog(c.app, { images: values['no-images'] ? 'none' : 'upload', ifEmpty: Boolean(values['if-empty']), onProgress: (done) => bar.update(done) });
      if (result.skipped) {
        bar.stop();
        console.log('products already exist: nothing seeded (--if-empty)');
        return 0;
      }
      bar.finish();
      console.log(`seeded ${result.categories} categories and ${result.products} products in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    },
  },
  import: {
    summary: 'import products from .csv, .json or .jsonl: all valid rows or nothing',
    usage: `import <file.csv|file.json|file.jsonl> [--upsert] [--dry-run] [--no-thumbs]
  Every record is validated first (report: line, field, problem); if any is invalid nothing is written.
  --upsert    update products whose _id already exists, in place (default: an existing _id is an error);
              their stock changes only by a stockDelta column (5, -3), never by the stock column
  --dry-run   validate only
  --no-thumbs do not make card thumbnails of the images now (run \`thumbs\` later); by default each
              image in cloud storage gets a JPEG ${THUMB.side} px on its short side next to it, recorded on the product
  CSV: one row per SKU; columns _id, title, description, categoryId, images (a|b), status, sales,
  skuId, spec:<name> (e.g. spec:颜色, spec:尺码), price and originalPrice in yuan (59.00), stock,
  searchTerms (words the product is also found by, a|b).
  JSON: an array of product documents (prices in fen). JSON Lines: one document per line.`,
    options: { upsert: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, 'no-thumbs': { type: 'boolean' } },
    async run(cloud, values, positionals) {
      const file = positionals[0];
      if (!file) throw new UsageError('import needs a file: import <file.csv|file.json|file.jsonl>');
      const started = Date.now();
      let parsed;
      try {
        parsed = readProductFile(resolve(file));
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const checked = validateRecords(parsed.records, Date.now());
      const problems: RowProblem[] = [...parsed.problems, ...checked.problems];
      const c = await cloud();
      if (problems.length === 0 && !values.upsert && checked.products.length > 0) {
        const existing = await existingIds(c, 'products', checked.products.map((p) => p._id));
        const lineOf = new Map(parsed.records.map((r) => [String(r.doc._id), r.line]));
        for (const id of existing) problems.push({ line: lineOf.get(id) ?? 0, field: '_id', problem: `"${id}" already exists in the database (use --upsert to replace it)`, productId: id });
      }
      if (checked.warnings.length > 0) {
        console.error(`${checked.warnings.length} warning(s) (not blocking):`);
        for (const w of checked.warnings.slice(0, 20)) console.error(`  line ${w.line}  ${w.field}  ${w.problem}`);
      }
      if (problems.length > 0) {
        problems.sort((a, b) => a.line - b.line);
        console.log(`validation failed: ${problems.length} problem(s) in ${file}; nothing was imported`);
        console.log('line\tfield\tproblem');
        for (const p of problems) console.log(`${p.line}\t${p.field || '(record)'}\t${p.problem}`);
        return 1;
      }
      console.error(`validated ${checked.products.length} products in ${Date.now() - started} ms`);
      if (values['dry-run']) {
        console.log(`dry run: ${checked.products.length} products are valid; nothing was written`);
        return 0;
      }
      if (!values['no-thumbs']) {
        const thumbBar = progressBar('thumbnails', checked.products.length);
        const made = await addThumbnails(c, checked.products, (done) => thumbBar.update(done));
        thumbBar.finish();
        console.error(`thumbnails: ${describeOutcomes(made.outcomes)}`);
      }
      const bar = progressBar('import', checked.products.length);
      const failAfter = process.env.ADMIN_IMPORT_FAIL_AFTER ? Number(process.env.ADMIN_IMPORT_FAIL_AFTER) : undefined;
      // The file's digest: importing the same file again applies no stock delta twice.
      const importKey = digestId(readFileSync(resolve(file), 'utf8'), 24);
      try {
        const result = await writeProducts(c, checked.products, { upsert: Boolean(values.upsert), importKey, stockDeltas: checked.stockDeltas, onProgress: (done) => bar.update(done), failAfter });
        bar.finish();
        const seconds = ((Date.now() - started) / 1000).toFixed(2);
        const written = result.inserted + result.updated;
        console.log(`imported ${written} products (${result.inserted} new, ${result.updated} replaced) in ${seconds} s`);
        if (result.refused.length > 0) {
          console.log(`${result.refused.length} product(s) refused:`);
          for (const r of result.refused) console.log(`  ${r.productId}\t${r.problem ?? ''}`);
          return 1;
        }
        return 0;
      } catch (error) {
        bar.stop();
        if (error instanceof ImportFailed) {
          console.error(error.message);
          console.error(`${error.written} product(s) were written before it stopped; run the same import again with --upsert to finish (stock deltas are not applied twice)`);
          return 1;
        }
        throw error;
      }
    },
  },
  stock: {
    summary: 'change one SKU\'s stock by a delta, with a reason (recorded in the stock ledger)',
    usage: `stock <productId> <skuId> <delta> --reason <text>
  delta: units to add (5) or take (-3); stock never goes below 0.`,
    options: { reason: { type: 'string' } },
    async run(cloud, values, positionals) {
      const [productId, skuId, deltaText] = positionals;
      if (!productId || !skuId || !deltaText) throw new UsageError('stock needs <productId> <skuId> <delta>');
      if (!/^[+-]?\d+$/.test(deltaText) || Number(deltaText) === 0) throw new UsageError(`delta must be a whole number other than 0, not ${deltaText}`);
      const reason = typeof values.reason === 'string' ? values.reason.trim() : '';
      if (!reason) throw new UsageError('stock needs --reason <text> (recorded with the change)');
      const r = dataOf(await callMerchant(await cloud(), 'adjustStock', { productId, skuId, delta: Number(deltaText), reason }));
      console.log(`${productId}/${skuId}: stock ${r.figures.stock}, reserved ${r.figures.reserved}, sold ${r.figures.sold} (revision ${r.revision})`);
      return 0;
    },
  },
  ship: {
    summary: 'ship a paid order: carrier code and tracking number',
    usage: `ship <orderId> --carrier <code> --tracking <number>
  Carriers (WeChat's delivery company codes): ${Object.entries(CARRIERS).map(([code, name]) => `${code} ${name}`).join(', ')}`,
    options: { carrier: { type: 'string' }, tracking: { type: 'string' } },
    async run(cloud, values, positionals) {
      const orderId = positionals[0];
      if (!orderId) throw new UsageError('ship needs <orderId>');
      const carrier = String(values.carrier ?? '');
      if (!isCarrier(carrier)) throw new UsageError(`--carrier must be one of ${Object.keys(CARRIERS).join(', ')}`);
      const trackingNo = String(values.tracking ?? '');
      const r = dataOf(await callMerchant(await cloud(), 'ship', { orderId, carrier, trackingNo }));
      console.log(`order ${orderId} shipped: ${CARRIERS[carrier]} ${String(r.order.trackingNo)}`);
      const upload = r.shippingUpload;
      if (upload?.state === 'uploaded') console.log('shipping info accepted by WeChat (order-shipping service)');
      else if (upload) console.log(`shipping info not accepted by WeChat yet (${upload.lastError ?? upload.state}); the merchant function's shippingUploads timer retries it every 5 minutes`);
      return 0;
    },
  },
  cancel: {
    summary: 'cancel an unpaid order (its units go back to stock)',
    usage: 'cancel <orderId>',
    options: {},
    async run(cloud, _values, positionals) {
      const orderId = positionals[0];
      if (!orderId) throw new UsageError('cancel needs <orderId>');
      dataOf(await callMerchant(await cloud(), 'cancel', { orderId }));
      console.log(`order ${orderId} cancelled`);
      return 0;
    },
  },
  check: {
    summary: 'list product problems (bad ids, invalid fields) and SKUs whose stock no longer matches its ledger',
    usage: `check
  Exit code 1 when anything is wrong. A product whose id breaks the id rule cannot be bought: the report
  prints the rename command for it.`,
    options: {},
    async run(cloud) {
      const c = await cloud();
      const docs = await readAll(c.db, 'products', undefined);
      let bad = 0;
      for (const doc of docs) {
        const result = normalizeProduct(doc);
        if (result.ok) continue;
        bad += 1;
        const id = String(doc._id);
        console.log(`product ${JSON.stringify(id)}:`);
        for (const p of result.problems) console.log(`  ${p.field}\t${p.problem}`);
        if (idProblem(doc._id)) console.log(`  fix: npm run admin -- rename ${JSON.stringify(id)} ${renameSuggestion(id)}`);
      }
      const ledger = dataOf(await callMerchant(c, 'ledgerCheck', {}));
      for (const p of ledger.problems) {
        bad += 1;
        const f = p.figures ? `stock ${p.figures.stock}, reserved ${p.figures.reserved}, sold ${p.figures.sold}` : 'figures are not whole numbers';
        console.log(`ledger mismatch ${p.productId}/${p.skuId}: document ${f}; ledger stock ${p.ledger.stock}, reserved ${p.ledger.reserved}, sold ${p.ledger.sold}`);
      }
      console.log(`${docs.length} products, ${ledger.checkedSkus} SKUs on the ledger (${ledger.unopened.length} products not yet on it): ${bad === 0 ? 'no problems' : `${bad} problem(s)`}`);
      return bad === 0 ? 0 : 1;
    },
  },
  rename: {
    summary: 'give a product a new id (for ids the mini program cannot use)',
    usage: 'rename <oldId> <newId>   (newId: 1-64 letters, digits, _ or -)',
    options: {},
    async run(cloud, _values, positionals) {
      const [from, to] = positionals;
      if (!from || !to) throw new UsageError('rename needs <oldId> <newId>');
      if (idProblem(to)) throw new UsageError(`newId ${idProblem(to)}`);
      const r = dataOf(await callMerchant(await cloud(), 'renameProduct', { from, to }));
      console.log(`renamed ${JSON.stringify(from)} to ${r.productId}`);
      return 0;
    },
  },
  report: {
    summary: 'scan and attribution reports (Chinese headers), as a table or CSV',
    usage: `report scans|attribution [--by campaign|channel|store|referral|scene] [--from <day>] [--to <day>]
              [--campaign <c>] [--channel <c>] [--store <s>] [--referral <code|any>] [--csv] [--out <file>]
  scans         every QR code with its scans, orders, paid orders and revenue
  attribution   scans and orders grouped --by one attribution field (default campaign), for a period
                (--from / --to: days in China time, both included) and filters; orders without a value
                for the field are the 无来源 row
  --csv         CSV with a UTF-8 byte-order mark (Excel on Chinese Windows reads it as UTF-8)
  --out <file>  write to a file instead of printing`,
    options: {
      by: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      campaign: { type: 'string' },
      channel: { type: 'string' },
      store: { type: 'string' },
      referral: { type: 'string' },
      csv: { type: 'boolean' },
      out: { type: 'string' },
    },
    async run(cloud, values, positionals) {
      const what = positionals[0];
      if (what !== 'scans' && what !== 'attribution') throw new UsageError('report needs what to report: scans or attribution');
      let table: ReportTable;
      if (what === 'scans') {
        const report = dataOf(await callMerchant(await cloud(), 'scanReport', {}));
        table = scanReportTable(report.codes, 'zh');
      } else {
        const by = String(values.by ?? 'campaign');
        if (!(by in DIMENSION_TITLES)) throw new UsageError(`--by must be one of ${Object.keys(DIMENSION_TITLES).join(', ')}`);
        const request: AttributionReportRequest = { by: by as AttributionDimension };
        for (const key of ['from', 'to'] as const) {
          const day = values[key];
          if (day === undefined) continue;
          if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(chinaDayStart(day)))) throw new UsageError(`--${key} must be a day, e.g. 2026-03-01`);
          request[key] = Date.parse(chinaDayStart(day)) + (key === 'to' ? 86_400_000 : 0);
        }
        for (const key of ['campaign', 'channel', 'store', 'referral'] as const) if (typeof values[key] === 'string' && values[key]) request[key] = values[key] as string;
        table = attributionReportTable(dataOf(await callMerchant(await cloud(), 'attributionReport', request)), 'zh');
      }
      const text = values.csv ? toCsv(table.header, table.rows) : textTable(table);
      if (values.out) {
        writeFileSync(resolve(String(values.out)), text);
        console.error(`wrote ${table.rows.length} row(s) to ${values.out}`);
      } else {
        process.stdout.write(text);
      }
      return 0;
    },
  },
  export: {
    summary: 'export products or orders as CSV or JSON Lines',
    usage: `export products|orders [--format csv|jsonl] [--out <file>]
  CSV: products one row per SKU (the import layout, prices in yuan); orders one row per order.
  JSON Lines: the documents as stored, dates as {"$date": ...} (the cloud console's import format).`,
    options: { format: { type: 'string' }, out: { type: 'string' } },
    async run(cloud, values, positionals) {
      const what = positionals[0];
      if (what !== 'products' && what !== 'orders') throw new UsageError('export needs what to export: products or orders');
      const format = (values.format as string | undefined) ?? 'csv';
      if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, not ${format}`);
      const c = await cloud();
      const docs = await readAll(c.db, what, undefined, what === 'orders' ? ['createdAt', 'desc'] : undefined);
      if (what === 'orders') for (const d of docs) delete d._openid;
      const text = format === 'jsonl' ? toJsonLines(docs) : what === 'products' ? productsToCsv(docs) : ordersToCsv(docs);
      if (values.out) {
        writeFileSync(resolve(String(values.out)), text);
        console.error(`exported ${docs.length} ${what} to ${values.out}`);
      } else {
        process.stdout.write(text);
      }
      return 0;
    },
  },
  qrcodes: {
    summary: 'create QR codes for products or a campaign: PNG files and one printable HTML sheet',
    usage: `qrcodes (--products <id,id,...|all> | --campaign <name> --channel <c> [--store <s>]) --out <dir>
  Each code is made by the scenes cloud function (scenes.create) and saved as <dir>/<name>.png;
  <dir>/index.html is a printable sheet of all of them.`,
    options: { products: { type: 'string' }, campaign: { type: 'string' }, channel: { type: 'string' }, store: { type: 'string' }, out: { type: 'string' } },
    async run(cloud, values) {
      const out = values.out as string | undefined;
      if (!out) throw new UsageError('qrcodes needs --out <dir>');
      if (!values.products && !values.campaign) throw new UsageError('qrcodes needs --products <ids|all> or --campaign <name> --channel <c>');
      if (values.products && values.campaign) throw new UsageError('use either --products or --campaign, not both');
      if (values.campaign && !values.channel) throw new UsageError('--campaign needs --channel <c>');
      const c = await cloud();
      const jobs: { name: string; title: string; req: QrRequest }[] = [];
      if (values.products) {
        let ids = String(values.products).split(',').map((s) => s.trim()).filter(Boolean);
        const docs = await readAll(c.db, 'products', undefined);
        const titles = new Map(docs.map((d) => [String(d._id), typeof d.title === 'string' ? d.title : String(d._id)]));
        if (ids.length === 1 && ids[0] === 'all') ids = docs.map((d) => String(d._id));
        const missing = ids.filter((id) => !titles.has(id));
        if (missing.length > 0) throw new UsageError(`no such product(s): ${missing.join(', ')}`);
        for (const id of ids) jobs.push({ name: `product-${safeName(id)}`, title: titles.get(id) ?? id, req: { target: productTarget(id) } });
      } else {
        const campaign = String(values.campaign);
        const channel = String(values.channel);
        const store = values.store ? String(values.store) : undefined;
        jobs.push({
          name: `campaign-${safeName([campaign, channel, store].filter(Boolean).join('-'))}`,
          title: `${campaign} · ${channel}${store ? ` · ${store}` : ''}`,
          req: { target: campaignTarget(), campaign, channel, ...(store ? { store } : {}) },
        });
      }
      const dir = resolve(out);
      mkdirSync(dir, { recursive: true });
      const bar = progressBar('qrcodes', jobs.length);
      const items: { title: string; subtitle: string; src: string }[] = [];
      let done = 0;
      // Sequential on purpose: getUnlimited is rate-limited (5000/min) and slow on the real platform.
      for (const job of jobs) {
        const code = await createSceneQr(c, job.req);
        writeFileSync(join(dir, `${job.name}.png`), code.png);
        items.push({ title: job.title, subtitle: `scene ${code.scene}`, src: `${job.name}.png` });
        bar.update((done += 1));
      }
      bar.finish();
      writeFileSync(join(dir, 'index.html'), printableSheet(`QR codes (${items.length})`, items));
      console.log(`wrote ${items.length} QR code(s) and index.html to ${dir}`);
      return 0;
    },
  },
  'db:init': {
    summary: 'create the collections from database.config.json and list the indexes',
    usage: `db:init [--config <database.config.json>]
  Creates missing collections. Indexes: the local cloud builds them from the config itself; for a
  real environment the list is printed to create by hand (the SDK cannot create indexes).`,
    options: { config: { type: 'string' } },
    async run(cloud, values) {
      const specs = loadDatabaseConfig(values.config ? resolve(String(values.config)) : DEFAULT_DATABASE_CONFIG);
      const c = await cloud();
      const result = await dbInit(c, specs);
      for (const name of result.created) console.log(`created collection ${name}`);
      for (const name of result.existing) console.log(`collection ${name} exists`);
      if (c.target.kind === 'local') {
        console.log(`indexes: the local cloud builds them from database.config.json (${result.indexLines.length} index(es))`);
      } else {
        console.log(`\nCreate these indexes by hand (console → 数据库 → <collection> → 索引管理):`);
        for (const line of result.indexLines) console.log(`  ${line}`);
        console.log(`\nSet every collection's permission to 自定义安全规则 {"read": false, "write": false} (仅管理端可读写): clients go through cloud functions only.`);
      }
      // Products stored before the search index existed (or edited by hand since) get their keywords.
      printReindex(await reindexProducts(c.db));
      return 0;
    },
  },
  'products:reindex': {
    summary: 'recompute the products\' search keywords (after hand edits in the cloud console)',
    usage: `products:reindex
  Recomputes every product's keywords (title, category name, spec values, searchTerms) and writes
  those that changed. Run it after editing products or renaming categories in the cloud console:
  search finds a product by its stored keywords, which only the admin tools and the console compute.`,
    options: {},
    async run(cloud) {
      const c = await cloud();
      const started = Date.now();
      let bar: Progress | null = null;
      const result = await reindexProducts(c.db, (done, total) => {
        bar ??= progressBar('reindex', total);
        bar.update(done);
      });
      (bar as Progress | null)?.finish();
      printReindex(result);
      console.error(`in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    },
  },
  thumbs: {
    summary: 'make the missing card thumbnails of stored products\' images',
    usage: `thumbs
  For every product image in cloud storage without a recorded thumbnail: writes a JPEG ${THUMB.side} px on its
  short side (quality ${THUMB.quality}) next to it (<image>${THUMB.suffix}) and records it on the product (thumbs).
  Catalog cards show the thumbnail, the product page the full image. Safe to run again; images added
  by hand in the cloud console get theirs on the next run.`,
    options: {},
    async run(cloud) {
      const c = await cloud();
      const started = Date.now();
      let bar: Progress | null = null;
      const result = await backfillThumbnails(c, (done, total) => {
        bar ??= progressBar('thumbs', total);
        bar.update(done);
      });
      (bar as Progress | null)?.finish();
      console.log(`${result.products} products scanned, ${result.updated} updated: ${describeOutcomes(result.outcomes)}`);
      if (result.broken.length > 0) console.log(`${result.broken.length} invalid product(s) left alone: ${result.broken.slice(0, 10).join(', ')}${result.broken.length > 10 ? ' …' : ''}`);
      console.error(`in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    },
  },
  shipping: {
    summary: 'show the shipping fee template, or set it from a JSON file (--set)',
    usage: `shipping [--set <template.json>]
  The template: {"defaultFee": 800, "freeFrom": 9900, "regions": [{"provinces": ["新疆", "西藏"], "fee": 2000}]}
  (fees in fen; freeFrom null = never free). Checked as the server checks it; an invalid file writes nothing.`,
    options: { set: { type: 'string' } },
    async run(cloud, values) {
      const c = await cloud();
      if (values.set) {
        const written = await writeShippingTemplate(c, resolve(String(values.set)));
        if (!written.ok) {
          for (const problem of written.problems) console.error(problem);
          return 1;
        }
        console.log(`shipping template saved\n${describeShippingTemplate(written.template)}`);
        return 0;
      }
      const current = await readShippingTemplate(c);
      if (current.problems.length) console.error(`config/shipping is invalid (the default applies):\n${current.problems.join('\n')}`);
      console.log(`${current.stored && !current.problems.length ? '' : '(default) '}${describeShippingTemplate(current.template)}`);
      return 0;
    },
  },
};

/** Columns padded to their widest cell (a Chinese character takes two columns in a terminal). */
function textTable({ header, rows }: ReportTable): string {
  const lines = [header, ...rows].map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))));
  const width = (text: string) => [...text].reduce((n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  const widths = header.map((_, i) => Math.max(...lines.map((line) => width(line[i] ?? ''))));
  return lines.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell + ' '.repeat(widths[i] - width(cell)))).join('  ')).join('\n') + '\n';
}

function printReindex(result: ReindexResult): void {
  console.log(`search index: ${result.updated} of ${result.scanned} product(s) re-indexed`);
  if (result.broken.length > 0) console.log(`  ${result.broken.length} invalid product(s) left as they are (fix them in the console): ${result.broken.slice(0, 20).join(', ')}`);
}

/** A valid id close to a bad one (for ids of no such characters at all, one from its digest). */
function renameSuggestion(id: string): string {
  return suggestId(id) || `p-${digestId(id, 10)}`;
}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return `Usage: npm run admin -- <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, cmd]) => `  ${name.padEnd(width)}  ${cmd.summary}`)
  .join('\n')}

${COMMON_HELP}

npm run admin -- <command> --help   details of one command
`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { ...command.options, cloud: { type: 'string' }, env: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\nUsage: npm run admin -- ${command.usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`Usage: npm run admin -- ${command.usage}\n\n${COMMON_HELP}\n`);
    return 0;
  }
  const cloud = async (): Promise<Cloud> => {
    const env = values.env as string | undefined;
    const cloudUrl = (values.cloud as string | undefined) ?? (env ? undefined : defaultCloudUrl());
    if (cloudUrl) return connect(await localTarget(cloudUrl, env));
    return connect({ kind: 'remote', envId: env! });
  };
  return command.run(cloud, values as Record<string, string | boolean | undefined>, positionals);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`error: ${error.message}\n`);
        process.exit(2);
      }
      const e = error as { code?: unknown; message?: unknown };
      process.stderr.write(`error: ${e.code ? `${String(e.code)}: ` : ''}${String(e.message ?? error)}\n`);
      process.exit(1);
    },
  );
}
