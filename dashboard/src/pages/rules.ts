// Topics and rules: the topic files with their topics (or the error that stops them loading),
// a YAML editor with validation (file, line and hint shown at the line), save (admin), and a
// query test against recent posts. A test query the server cannot parse is shown under its field
// the way the posts search shows it (query-error.ts: the interface language, the character marked).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api, ApiError } from '../api.js';
import { busy, section, table, type PageCtx } from '../ctx.js';
import { postCells, postHeaders, type PostRow } from './common.js';
import { clearQueryError, queryErrorOf, showQueryError } from './query-error.js';

interface RuleFile { name: string; topics: { id: string; name: string; query: string }[]; error: { message: string; line: number | null; hint: string | null } | null }

/**
 * A rule file's error as "第 6 行：unknown field 'qeury' …": the line in the interface language, the
 * file and line the server's message starts with left out (shown once, here). The message itself
 * is the config loader's English (it carries no code to translate from).
 */
function configError(message: string, line: number | null | undefined, file: string | null | undefined): string {
  const lead = file ? `${file}${line ? ` line ${line}` : ''}: ` : '';
  const text = lead && message.startsWith(lead) ? message.slice(lead.length) : message;
  return line ? `${t('lineN').replace('{n}', String(line))}${t('colon')}${text}` : text;
}

function problem(e: unknown): HTMLElement {
  if (e instanceof ApiError) {
    const b = e.body as { error?: string; file?: string | null; line?: number | null; hint?: string | null };
    return h('div', { className: 'error', role: 'alert', id: 'rule-error' }, configError(b.error ?? e.message, b.line, b.file),
      b.hint ? h('div', null, `${t('hint')}${t('colon')}${b.hint}`) : null);
  }
  return h('div', { className: 'error', role: 'alert', id: 'rule-error' }, (e as Error).message);
}

/** matches the test query shows at most */
const TEST_LIMIT = 50;

export async function rulesPage(ctx: PageCtx): Promise<void> {
  const { files } = await api.get<{ files: RuleFile[] }>('/rules');
  const editor = h('section', { className: 'card', id: 'rule-editor' });
  const open = async (name: string, text?: string) => {
    const body = text ?? (await api.get<{ text: string }>(`/rules/file?name=${encodeURIComponent(name)}`)).text;
    const fname = h('input', { id: 'rule-name', value: name, size: 30, disabled: text === undefined });
    const area = h('textarea', { id: 'rule-text', rows: 16, spellcheck: 'false', className: 'code' });
    area.value = body;
    const out = h('div', { id: 'rule-result', 'aria-live': 'polite' });
    const validate = h('button', { type: 'button' }, t('validate'));
    validate.addEventListener('click', () => busy(ctx, validate, async () => {
      try {
        const r = await api.post<{ topics: { id: string }[] }>('/rules/validate', { name: fname.value, text: area.value });
        mount(out, h('p', { className: 'ok' }, `${t('valid')}: ${r.topics.map((x) => x.id).join(', ')}`));
      } catch (e) { mount(out, problem(e)); }
    }));
    const save = h('button', { type: 'button', className: 'primary', disabled: !ctx.can('admin') }, t('save'));
    save.addEventListener('click', () => busy(ctx, save, async () => {
      try {
        await api.put('/rules/file', { name: fname.value, text: area.value });
        mount(out, h('p', { className: 'ok' }, t('saved')));
      } catch (e) { mount(out, problem(e)); }
    }));
    mount(editor, h('h2', null, `${t('edit')}${t('colon')}`, name), h('label', { for: 'rule-name' }, t('file')), fname, h('label', { for: 'rule-text', className: 'sr-only' }, 'YAML'), area, h('div', { className: 'row' }, validate, save), out);
    area.focus();
  };

  const q = h('input', { id: 'test-q', type: 'search', size: 50, 'aria-describedby': 'test-q-help' });
  const hours = h('input', { id: 'test-hours', type: 'number', value: '72', min: '1', max: '2160' });
  const testProblems = h('div', { id: 'test-query-problems' });
  const results = h('div', { id: 'test-results' });
  const testBtn = h('button', { type: 'submit', className: 'primary' }, t('test'));
  const testForm = h('form', { className: 'row', id: 'test-form', on: { submit: (ev: Event) => {
    ev.preventDefault();
    const query = q.value.trim(); // the server counts the error's column in the query it reads: send it trimmed
    if (!query) { showQueryError(testProblems, q, { code: 'empty-query' }, { help: 'test-q-help' }); mount(results); return; }
    busy(ctx, testBtn, async () => {
      try {
        const r = await api.post<{ posts: PostRow[]; scanned: number; truncated?: boolean }>('/rules/test', { query, hours: Number(hours.value) || 72, limit: TEST_LIMIT });
        clearQueryError(testProblems, q, 'test-q-help');
        // the first TEST_LIMIT matches are shown: "50+" says there may be more
        const more = r.posts.length >= TEST_LIMIT || r.truncated ? '+' : '';
        mount(results, h('p', { className: 'muted', id: 'test-count' }, `${r.posts.length}${more} ${t('results')}`), table(postHeaders(), r.posts.map((p) => postCells(p))));
      } catch (e) {
        const qe = queryErrorOf(e);
        if (qe) { showQueryError(testProblems, q, qe, { help: 'test-q-help' }); mount(results); return; }
        clearQueryError(testProblems, q, 'test-q-help');
        mount(results, problem(e));
      }
    });
  } } }, h('label', { for: 'test-q' }, t('query')), q, h('label', { for: 'test-hours' }, t('hours')), hours, testBtn);

  const newBtn = h('button', { type: 'button', disabled: !ctx.can('admin'), title: 'topics/new-topic.yaml' }, `+ ${t('newTopic')}`);
  newBtn.addEventListener('click', () => void open('topics/new-topic.yaml', 'id: new-topic\nname: 新主题\nquery: 品牌 OR "Brand Name"\n'));

  mount(ctx.root, h('h1', null, t('rules')),
    section(t('ruleFiles'), table([t('file'), t('topic'), t('query'), ''], files.map((f) => {
      const btn = h('button', { type: 'button', className: 'link' }, t('edit'));
      btn.addEventListener('click', () => void open(f.name).catch((e: Error) => ctx.say(e.message, 'error')));
      return [f.name, f.error ? h('span', { className: 'error' }, configError(f.error.message, f.error.line, f.name)) : f.topics.map((x) => (x.name && x.name !== x.id ? `${x.name} (${x.id})` : x.id)).join(', '),
        f.topics.map((x) => x.query).join(' | '), btn];
    })), newBtn),
    editor,
    section(t('testQuery'), testForm, testProblems, h('p', { className: 'muted', id: 'test-q-help' }, t('queryHelp')), results));
  mount(editor, h('p', { className: 'muted' }, t('editPick')));
}
