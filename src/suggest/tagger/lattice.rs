//! The BILOU tag layout and the Viterbi lattice over it.
//!
//! Owns: how tags are numbered (`O` is 0; label `k` has `B` = 1 + 4k, then
//! `I`, `L`, `U`), the reusable decoding buffers ([`Scratch`]), the best
//! valid tag sequence (forward pass with back-pointers), the best suffix
//! scores for max-marginals (backward pass) and the spans of a tag
//! sequence. The lattice exploits the BILOU structure: after a closed tag
//! (`O`, `L`, `U`) comes an opening one (`O`, `B`, `U`) of any label, after
//! `B` or `I` only `I` or `L` of the same label; and it prunes exactly.
//! Must not touch: features, texts, label names, the tagger's weights (it
//! gets scores and transitions as slices); files, threads.

/// Tag layout: 0 is `O`; label `k` has `B` = 1 + 4k, `I`, `L`, `U`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Part {
    Out,
    Begin(usize),
    Inside(usize),
    Last(usize),
    Unit(usize),
}

pub(super) fn part(tag: usize) -> Part {
    if tag == 0 {
        return Part::Out;
    }
    let k = (tag - 1) / 4;
    match (tag - 1) % 4 {
        0 => Part::Begin(k),
        1 => Part::Inside(k),
        2 => Part::Last(k),
        _ => Part::Unit(k),
    }
}

pub(super) fn tag_of(p: Part) -> usize {
    match p {
        Part::Out => 0,
        Part::Begin(k) => 1 + 4 * k,
        Part::Inside(k) => 2 + 4 * k,
        Part::Last(k) => 3 + 4 * k,
        Part::Unit(k) => 4 + 4 * k,
    }
}

/// The structure of a tag set: the number of tags.
#[derive(Clone, Debug)]
pub(super) struct Structure {
    pub(super) n: usize,
    labels: usize,
}

impl Structure {
    pub(super) fn new(labels: usize) -> Self {
        Self { n: 1 + 4 * labels, labels }
    }
}

/// Reusable buffers for decoding.
#[derive(Default)]
pub(super) struct Scratch {
    pub(super) emit: Vec<f32>,
    pub(super) fwd: Vec<f32>,
    pub(super) back: Vec<u8>,
    pub(super) bwd: Vec<f32>,
    pub(super) feats: Vec<u64>,
    /// Per token of a sentence, where its features end in `feats`.
    pub(super) ends: Vec<usize>,
    /// The weight row of each of `feats` (`u32::MAX`: none).
    pub(super) found: Vec<u32>,
}

/// The transition weights laid out for a fast Viterbi over BILOU tags.
///
/// Tags split in two groups: after `O`, `L-x` or `U-x` (the *closed* tags,
/// `P`) come `O`, `B-y` or `U-y` (the *opening* tags, `C`), any label; after
/// `B-x` or `I-x` come only `I-x` or `L-x`. So a step is a dense `P × C`
/// max-plus product plus two choices per label.
pub(super) struct Lattice {
    n: usize,
    /// The closed tags.
    p_tags: Vec<usize>,
    /// The opening tags.
    c_tags: Vec<usize>,
    /// `|P| × |C|` transition weights.
    pc: Vec<f32>,
    /// The same, each row cut in [`LANES`]-wide blocks, the last padded
    /// with negative infinity (never better than any score), so the
    /// forward step's max-plus product runs on whole blocks.
    pc_blocks: Vec<[f32; LANES]>,
    /// From the start to each opening tag.
    start_c: Vec<f32>,
    /// From each closed tag to the end.
    end_p: Vec<f32>,
    /// Per label: B→I, B→L, I→I, I→L.
    inner: Vec<[f32; 4]>,
    /// The largest minus the smallest of `pc`: a closed tag whose score is
    /// further than this below the best cannot win any opening tag.
    spread: f32,
}

impl Lattice {
    /// `trans` is `(tags + 1) × tags` (the last row from the start).
    pub(super) fn new(st: &Structure, trans: &[f32], end: &[f32]) -> Self {
        let n = st.n;
        let labels = st.labels;
        let w = |from: usize, to: usize| trans.get(from * n + to).copied().unwrap_or(0.0);
        let mut p_tags = vec![0];
        let mut c_tags = vec![0];
        for k in 0..labels {
            p_tags.push(tag_of(Part::Last(k)));
            p_tags.push(tag_of(Part::Unit(k)));
            c_tags.push(tag_of(Part::Begin(k)));
            c_tags.push(tag_of(Part::Unit(k)));
        }
        let mut pc = Vec::with_capacity(p_tags.len() * c_tags.len());
        for &p in &p_tags {
            pc.extend(c_tags.iter().map(|&c| w(p, c)));
        }
        let inner = (0..labels)
            .map(|k| {
                let (b, i, l) = (tag_of(Part::Begin(k)), tag_of(Part::Inside(k)), tag_of(Part::Last(k)));
                [w(b, i), w(b, l), w(i, i), w(i, l)]
            })
            .collect();
        let blocks = c_tags.len().div_ceil(LANES);
        let mut pc_blocks = vec![[f32::NEG_INFINITY; LANES]; p_tags.len() * blocks];
        for (row, ws) in pc_blocks.chunks_exact_mut(blocks).zip(pc.chunks_exact(c_tags.len())) {
            for (block, w) in row.iter_mut().zip(ws.chunks(LANES)) {
                for (b, &x) in block.iter_mut().zip(w) {
                    *b = x;
                }
            }
        }
        let (lo, hi) = pc.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        let spread = if hi >= lo { hi - lo } else { 0.0 };
        Self {
            n,
            spread,
            start_c: c_tags.iter().map(|&c| w(n, c)).collect(),
            end_p: p_tags.iter().map(|&p| end.get(p).copied().unwrap_or(0.0)).collect(),
            p_tags,
            c_tags,
            pc,
            pc_blocks,
            inner,
        }
    }

    /// Viterbi over `len` tokens with emissions `emit` (`len × tags`):
    /// the best tags; `fwd` holds the best score of a prefix ending in each
    /// tag.
    pub(super) fn forward(&self, emit: &[f32], len: usize, fwd: &mut Vec<f32>, back: &mut Vec<u8>) -> Vec<u16> {
        let n = self.n;
        let neg = f32::NEG_INFINITY;
        fwd.clear();
        fwd.resize(len * n, neg);
        back.clear();
        back.resize(len * n, 0);
        if len == 0 {
            return Vec::new();
        }
        let blocks = self.c_tags.len().div_ceil(LANES);
        let mut gp = vec![neg; self.p_tags.len()];
        let mut best = vec![[neg; LANES]; blocks];
        let mut arg = vec![[0u32; LANES]; blocks];
        for ((&c, &w), _) in self.c_tags.iter().zip(&self.start_c).zip(0..) {
            if let (Some(f), Some(e)) = (fwd.get_mut(c), emit.get(c)) {
                *f = w + e;
            }
        }
        for i in 1..len {
            let (done, rest) = fwd.split_at_mut(i * n);
            let prev = done.get((i - 1) * n..).unwrap_or(&[]);
            let row = rest.get_mut(..n).unwrap_or(&mut []);
            let erow = emit.get(i * n..(i + 1) * n).unwrap_or(&[]);
            let brow = back.get_mut(i * n..(i + 1) * n).unwrap_or(&mut []);
            for (g, &p) in gp.iter_mut().zip(&self.p_tags) {
                *g = prev.get(p).copied().unwrap_or(neg);
            }
            best.fill([neg; LANES]);
            arg.fill([0; LANES]);
            // Exact pruning: a closed tag this far below the best loses
            // everywhere.
            let floor = top(&gp) - self.spread;
            for ((pi, &v), ws) in gp.iter().enumerate().zip(self.pc_blocks.chunks_exact(blocks)) {
                if v < floor || v == neg {
                    continue;
                }
                let pi = pi as u32;
                for ((bs, as_), w) in best.iter_mut().zip(arg.iter_mut()).zip(ws) {
                    for ((b, a), &w) in bs.iter_mut().zip(as_.iter_mut()).zip(w) {
                        let x = v + w;
                        let better = x > *b;
                        *b = if better { x } else { *b };
                        *a = if better { pi } else { *a };
                    }
                }
            }
            for (cs, (bs, as_)) in self.c_tags.chunks(LANES).zip(best.iter().zip(&arg)) {
                for ((&c, &b), &a) in cs.iter().zip(bs).zip(as_) {
                    if let (Some(cell), Some(e), Some(bk)) = (row.get_mut(c), erow.get(c), brow.get_mut(c)) {
                        *cell = b + e;
                        *bk = self.p_tags.get(a as usize).copied().unwrap_or(0) as u8;
                    }
                }
            }
            for (k, &[b_i, b_l, i_i, i_l]) in self.inner.iter().enumerate() {
                let (b, it, l) = (1 + 4 * k, 2 + 4 * k, 3 + 4 * k);
                let fb = prev.get(b).copied().unwrap_or(neg);
                let fi = prev.get(it).copied().unwrap_or(neg);
                for (to, wb, wi) in [(it, b_i, i_i), (l, b_l, i_l)] {
                    let (x, y) = (fb + wb, fi + wi);
                    let (v, from) = if x >= y { (x, b) } else { (y, it) };
                    if let (Some(cell), Some(e), Some(bk)) = (row.get_mut(to), erow.get(to), brow.get_mut(to)) {
                        *cell = v + e;
                        *bk = from as u8;
                    }
                }
            }
        }
        let last = fwd.get((len - 1) * n..).unwrap_or(&[]);
        let mut top = neg;
        let mut cur = 0usize;
        for (&p, &w) in self.p_tags.iter().zip(&self.end_p) {
            let v = last.get(p).copied().unwrap_or(neg) + w;
            if v > top {
                top = v;
                cur = p;
            }
        }
        let mut tags = vec![0u16; len];
        for i in (0..len).rev() {
            if let Some(slot) = tags.get_mut(i) {
                *slot = cur as u16;
            }
            cur = back.get(i * n + cur).copied().unwrap_or(0) as usize;
        }
        tags
    }

    /// The best score of a suffix after each tag at each token (including
    /// the end transition), for max-marginals.
    pub(super) fn backward(&self, emit: &[f32], len: usize, bwd: &mut Vec<f32>) {
        let n = self.n;
        let neg = f32::NEG_INFINITY;
        bwd.clear();
        bwd.resize(len * n, neg);
        if len == 0 {
            return;
        }
        for (&p, &w) in self.p_tags.iter().zip(&self.end_p) {
            if let Some(b) = bwd.get_mut((len - 1) * n + p) {
                *b = w;
            }
        }
        let nc = self.c_tags.len();
        let mut gc = vec![neg; nc];
        let mut live: Vec<usize> = Vec::with_capacity(nc);
        for i in (0..len - 1).rev() {
            let (head, tail) = bwd.split_at_mut((i + 1) * n);
            let next = tail.get(..n).unwrap_or(&[]);
            let row = head.get_mut(i * n..).unwrap_or(&mut []);
            let enext = emit.get((i + 1) * n..(i + 2) * n).unwrap_or(&[]);
            let g = |t: usize| enext.get(t).copied().unwrap_or(neg) + next.get(t).copied().unwrap_or(neg);
            for (x, &c) in gc.iter_mut().zip(&self.c_tags) {
                *x = g(c);
            }
            // Exact pruning: an opening tag this far below the best is never
            // the best continuation.
            let floor = top(&gc) - self.spread;
            live.clear();
            live.extend((0..nc).filter(|&c| gc.get(c).is_some_and(|&x| x >= floor && x != neg)));
            for (&p, ws) in self.p_tags.iter().zip(self.pc.chunks_exact(nc)) {
                let mut v = neg;
                for &c in &live {
                    let x = ws.get(c).copied().unwrap_or(neg) + gc.get(c).copied().unwrap_or(neg);
                    if x > v {
                        v = x;
                    }
                }
                if let Some(cell) = row.get_mut(p) {
                    *cell = v;
                }
            }
            for (k, &[b_i, b_l, i_i, i_l]) in self.inner.iter().enumerate() {
                let (b, it, l) = (1 + 4 * k, 2 + 4 * k, 3 + 4 * k);
                let (gi, gl) = (g(it), g(l));
                if let Some(cell) = row.get_mut(b) {
                    *cell = (b_i + gi).max(b_l + gl);
                }
                if let Some(cell) = row.get_mut(it) {
                    *cell = (i_i + gi).max(i_l + gl);
                }
            }
        }
    }
}

/// The width of the blocks of the forward step's max-plus product (two
/// SSE registers; the shipped model's 13 opening tags take two blocks).
const LANES: usize = 8;

/// The largest value (negative infinity for none); NaN never occurs.
fn top(xs: &[f32]) -> f32 {
    let mut m = f32::NEG_INFINITY;
    for &x in xs {
        if x > m {
            m = x;
        }
    }
    m
}

/// Spans `(first token, end token, label index)` of a valid tag sequence.
pub(super) fn spans_of(tags: &[u16]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, &t) in tags.iter().enumerate() {
        match part(t as usize) {
            Part::Unit(k) => {
                out.push((i, i + 1, k));
                open = None;
            }
            Part::Begin(k) => open = Some((i, k)),
            Part::Inside(_) => {}
            Part::Last(k) => {
                if let Some((s, ok)) = open.take()
                    && ok == k
                {
                    out.push((s, i + 1, k));
                }
            }
            Part::Out => open = None,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggest::tagger::train::SplitMix;

    /// True when `next` may follow `prev` (`None`: the sequence start).
    fn allowed(prev: Option<usize>, next: usize) -> bool {
        let open = prev.map(part);
        match (open, part(next)) {
            (Some(Part::Begin(a) | Part::Inside(a)), Part::Inside(b) | Part::Last(b)) => a == b,
            (Some(Part::Begin(_) | Part::Inside(_)), _) => false,
            (_, Part::Inside(_) | Part::Last(_)) => false,
            _ => true,
        }
    }

    fn can_end(tag: usize) -> bool {
        matches!(part(tag), Part::Out | Part::Last(_) | Part::Unit(_))
    }

    /// The best score of a valid sequence by enumeration, and for each
    /// (token, tag) the best score of a valid sequence through it.
    fn brute_force(st: &Structure, emit: &[f32], trans: &[f32], end: &[f32], len: usize) -> (f32, Vec<f32>) {
        let n = st.n;
        let mut best = f32::NEG_INFINITY;
        let mut marg = vec![f32::NEG_INFINITY; len * n];
        let total = n.pow(len as u32);
        for code in 0..total {
            let seq: Vec<usize> = (0..len).map(|i| code / n.pow(i as u32) % n).collect();
            let mut ok = can_end(seq[len - 1]);
            let mut score = end[seq[len - 1]];
            for i in 0..len {
                let prev = if i == 0 { None } else { Some(seq[i - 1]) };
                ok &= allowed(prev, seq[i]);
                score += emit[i * n + seq[i]] + trans[prev.unwrap_or(n) * n + seq[i]];
            }
            if !ok {
                continue;
            }
            best = best.max(score);
            for i in 0..len {
                let m = &mut marg[i * n + seq[i]];
                *m = m.max(score);
            }
        }
        (best, marg)
    }

    #[test]
    fn lattice_matches_brute_force() {
        let st = Structure::new(2);
        let n = st.n;
        let mut rng = SplitMix(9);
        let mut r = || (rng.next() % 2000) as f32 / 100.0 - 10.0;
        for len in 1..=4 {
            for _ in 0..5 {
                let emit: Vec<f32> = (0..len * n).map(|_| r()).collect();
                let trans: Vec<f32> = (0..(n + 1) * n).map(|_| r()).collect();
                let end: Vec<f32> = (0..n).map(|_| r()).collect();
                let (best, marg) = brute_force(&st, &emit, &trans, &end, len);
                let lat = Lattice::new(&st, &trans, &end);
                let (mut fwd, mut back, mut bwd) = (Vec::new(), Vec::new(), Vec::new());
                let tags = lat.forward(&emit, len, &mut fwd, &mut back);
                lat.backward(&emit, len, &mut bwd);
                let mut score = end[tags[len - 1] as usize];
                for i in 0..len {
                    let prev = if i == 0 { n } else { tags[i - 1] as usize };
                    let t = tags[i] as usize;
                    assert!(allowed((i > 0).then_some(prev), t));
                    score += emit[i * n + t] + trans[prev * n + t];
                }
                assert!((score - best).abs() < 1e-3, "{score} vs {best}");
                for i in 0..len {
                    for t in 0..n {
                        let m = fwd[i * n + t] + bwd[i * n + t];
                        let want = marg[i * n + t];
                        assert!((m == want) || (m - want).abs() < 1e-3, "len {len} token {i} tag {t}: {m} vs {want}");
                    }
                }
            }
        }
    }

    #[test]
    fn tag_structure_is_bilou() {
        assert_eq!(Structure::new(2).n, 9);
        assert!(allowed(None, tag_of(Part::Begin(0))));
        assert!(!allowed(None, tag_of(Part::Inside(0))));
        assert!(allowed(Some(tag_of(Part::Begin(1))), tag_of(Part::Last(1))));
        assert!(!allowed(Some(tag_of(Part::Begin(1))), tag_of(Part::Last(0))));
        assert!(!allowed(Some(tag_of(Part::Begin(1))), 0));
        assert!(allowed(Some(tag_of(Part::Unit(1))), tag_of(Part::Begin(0))));
        assert!(!can_end(tag_of(Part::Inside(0))));
        let tags = [0u16, 1, 2, 3, 0, 8, 5];
        assert_eq!(spans_of(&tags), [(1, 4, 0), (5, 6, 1)]);
    }
}
