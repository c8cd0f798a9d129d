// Aho-Corasick automaton over UTF-16 code units: finds every (possibly overlapping) occurrence
// of many patterns in one pass over a text.

export class AhoCorasick {
  private readonly children: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  /** pattern ids ending at each node, including those reached through failure links */
  private readonly out: (number[] | null)[] = [null];
  private readonly lengths: number[];

  constructor(readonly patterns: readonly string[]) {
    this.lengths = patterns.map((p) => p.length);
    patterns.forEach((p, id) => {
      if (p.length === 0) throw new RangeError('AhoCorasick: empty pattern');
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        let nx = this.children[s].get(c);
        if (nx === undefined) {
          nx = this.children.length;
          this.children.push(new Map());
          this.fail.push(0);
          this.out.push(null);
          this.children[s].set(c, nx);
        }
        s = nx;
      }
      (this.out[s] ??= []).push(id);
    });
    // breadth-first: failure links and merged outputs
    const queue: number[] = [...this.children[0].values()];
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi];
      for (const [c, t] of this.children[s]) {
        let f = this.fail[s];
        while (f !== 0 && !this.children[f].has(c)) f = this.fail[f];
        const ft = this.children[f].get(c);
        this.fail[t] = ft !== undefined && ft !== t ? ft : 0;
        const inherited = this.out[this.fail[t]];
        if (inherited) this.out[t] = [...(this.out[t] ?? []), ...inherited];
        queue.push(t);
      }
    }
  }

  /** Calls `emit(patternId, start + base)` for every occurrence, in order of end position. */
  scan(text: string, base: number, emit: (patternId: number, start: number) => void): void {
    const { children, fail, out, lengths } = this;
    const root = children[0];
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let nx: number | undefined;
      if (s === 0) {
        nx = root.get(c);
        if (nx === undefined) continue;
      } else {
        while ((nx = children[s].get(c)) === undefined && s !== 0) s = fail[s];
        if (nx === undefined) nx = 0;
      }
      s = nx;
      const o = out[s];
      if (o !== null) for (let k = 0; k < o.length; k++) emit(o[k], base + i - lengths[o[k]] + 1);
    }
  }
}
