//! Which glyph of a laid-out paragraph draws which character.
//!
//! egui keeps one glyph per character in left-to-right text, but a
//! right-to-left run (Arabic, Hebrew) comes out of its shaper in visual
//! order and with one glyph per *cluster*: a lam-alef ligature is one glyph
//! for two characters. Counting glyphs as characters then shifts every box,
//! caret and click after such a run in the same paragraph. [`GlyphMap`]
//! aligns the paragraph's characters with the glyphs' characters instead:
//! one to one where they agree, and inside a right-to-left stretch (up to
//! the next strong left-to-right letter) by matching characters from the
//! stretch's visual end, so that a span after it is drawn over its own
//! words.
//!
//! Owns: [`GlyphMap`]. Pure: no egui, no files, no threads.

/// Right-to-left letters: Hebrew, Arabic, Syriac, Thaana, N'Ko and their
/// presentation forms.
fn is_rtl(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// A letter written left to right (ends a right-to-left stretch).
fn is_strong_ltr(c: char) -> bool {
    c.is_alphabetic() && !is_rtl(c)
}

/// The alignment of a paragraph's characters with its glyphs (flat glyph
/// indices: the rows' glyphs one after the other). The identity, stored
/// as nothing, when they agree one to one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GlyphMap {
    /// Per character, its glyph (`None`: drawn by another character's
    /// glyph, a ligature); empty for the identity.
    glyph_of: Vec<Option<u32>>,
    /// Per glyph, the character it draws; empty for the identity.
    char_of: Vec<u32>,
    /// Characters and glyphs.
    chars: usize,
    glyphs: usize,
}

impl GlyphMap {
    /// The identity: each character drawn by the glyph at its own index.
    pub const IDENTITY: Self = Self { glyph_of: Vec::new(), char_of: Vec::new(), chars: 0, glyphs: 0 };

    /// Aligns `chars` (the paragraph's text) with `glyphs` (each glyph's
    /// character, rows one after the other).
    pub fn new(chars: &[char], glyphs: &[char]) -> Self {
        let (n, m) = (chars.len(), glyphs.len());
        if chars == glyphs {
            return Self { glyph_of: Vec::new(), char_of: Vec::new(), chars: n, glyphs: m };
        }
        let mut glyph_of: Vec<Option<u32>> = vec![None; n];
        let (mut i, mut j) = (0, 0);
        while i < n {
            let (Some(&c), g) = (chars.get(i), glyphs.get(j).copied()) else { break };
            if !is_rtl(c) && g == Some(c) {
                if let Some(slot) = glyph_of.get_mut(i) {
                    *slot = Some(j as u32);
                }
                (i, j) = (i + 1, j + 1);
                continue;
            }
            if !is_rtl(c) && glyphs.get(j + 1) == Some(&c) && g.is_some_and(|g| !is_rtl(g)) {
                // A glyph of its own for nothing (a mark drawn apart).
                j += 1;
                continue;
            }
            // A right-to-left stretch: up to the next strong left-to-right
            // letter, in the characters and in the glyphs.
            let i2 = (i + 1..n).find(|&k| chars.get(k).is_some_and(|&c| is_strong_ltr(c))).unwrap_or(n);
            let j2 = (j..m).find(|&k| glyphs.get(k).is_some_and(|&g| is_strong_ltr(g))).unwrap_or(m);
            let mut used = vec![false; j2 - j];
            // Visual order: the stretch's first character is drawn last.
            let mut hi = j2;
            for (k, &c) in chars.iter().enumerate().take(i2).skip(i) {
                let free = |x: &usize| glyphs.get(*x) == Some(&c) && !used.get(*x - j).copied().unwrap_or(true);
                let found = (j..hi).rev().find(free).or_else(|| (j..j2).find(free));
                if let Some(x) = found {
                    if let Some(u) = used.get_mut(x - j) {
                        *u = true;
                    }
                    if x < hi {
                        hi = x;
                    }
                    if let Some(slot) = glyph_of.get_mut(k) {
                        *slot = Some(x as u32);
                    }
                }
            }
            (i, j) = (i2, j2);
        }
        // Each glyph draws the character mapped to it, or the one before.
        let mut char_of = vec![0u32; m];
        for (k, g) in glyph_of.iter().enumerate() {
            if let Some(slot) = g.and_then(|g| char_of.get_mut(g as usize)) {
                *slot = k as u32 + 1;
            }
        }
        let mut last = 0;
        for c in &mut char_of {
            if *c == 0 {
                *c = last;
            } else {
                *c -= 1;
                last = *c;
            }
        }
        Self { glyph_of, char_of, chars: n, glyphs: m }
    }

    fn identity(&self) -> bool {
        self.glyph_of.is_empty() && self.chars == self.glyphs
    }

    /// The glyphs that draw the characters `[a, b)`, in character order
    /// (a ligature's glyph once).
    pub fn glyphs_of(&self, a: usize, b: usize) -> Vec<usize> {
        if self.identity() {
            return (a.min(self.glyphs)..b.min(self.glyphs)).collect();
        }
        let mut out: Vec<usize> = self.glyph_of.get(a..b.min(self.chars)).unwrap_or(&[]).iter().flatten().map(|&g| g as usize).collect();
        out.dedup();
        out
    }

    /// The glyph a caret before character `c` stands at: the glyph of the
    /// first character from `c` on that has one (the glyph count past the
    /// end).
    pub fn caret_glyph(&self, c: usize) -> usize {
        if self.identity() {
            return c.min(self.glyphs);
        }
        self.glyph_of.get(c..).and_then(|rest| rest.iter().flatten().next()).map_or(self.glyphs, |&g| g as usize)
    }

    /// The character a caret before glyph `g` stands before (egui's cursor
    /// index in a paragraph): the character the glyph draws (the character
    /// count past the end).
    pub fn char_at_glyph(&self, g: usize) -> usize {
        if self.identity() {
            return g.min(self.chars);
        }
        self.char_of.get(g).map_or(self.chars, |&c| c as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    /// What egui's shaper gives: the Arabic words reversed, the lam-alef
    /// `لأ` one glyph (its first character).
    fn shaped(s: &str) -> Vec<char> {
        let mut out = Vec::new();
        let mut run: Vec<char> = Vec::new();
        let flush = |run: &mut Vec<char>, out: &mut Vec<char>| {
            let mut clusters: Vec<char> = Vec::new();
            let mut k = 0;
            while let Some(&c) = run.get(k) {
                clusters.push(c);
                k += if c == 'ل' && run.get(k + 1) == Some(&'أ') { 2 } else { 1 };
            }
            out.extend(clusters.into_iter().rev());
            run.clear();
        };
        for c in s.chars() {
            if is_rtl(c) || (c == ' ' && !run.is_empty()) {
                run.push(c);
            } else {
                flush(&mut run, &mut out);
                out.push(c);
            }
        }
        flush(&mut run, &mut out);
        out
    }

    #[test]
    fn left_to_right_text_is_the_identity() {
        let s = chars("Le ministre Karim Benali.");
        let map = GlyphMap::new(&s, &s);
        assert_eq!(map.glyphs_of(12, 17), [12, 13, 14, 15, 16]);
        assert_eq!((map.caret_glyph(3), map.char_at_glyph(3), map.char_at_glyph(99)), (3, 3, s.len()));
    }

    #[test]
    fn characters_after_a_right_to_left_run_find_their_glyphs() {
        let text = "Selon الأهرام اليومي, Karim Benali.";
        let (s, g) = (chars(text), shaped(text));
        assert_eq!(g.len() + 1, s.len(), "the ligature is one glyph");
        let map = GlyphMap::new(&s, &g);
        let a = s.iter().position(|&c| c == 'K').expect("K");
        let drawn: String = map.glyphs_of(a, a + 12).into_iter().map(|k| g[k]).collect();
        assert_eq!(drawn, "Karim Benali");
        assert_eq!(map.char_at_glyph(map.caret_glyph(a)), a, "a click on K is before K");
        // Inside the Arabic: each character's glyph is its own.
        for (k, &c) in s.iter().enumerate().filter(|(_, c)| is_rtl(**c)) {
            if let Some(x) = map.glyph_of.get(k).copied().flatten() {
                assert_eq!(g[x as usize], c);
            }
        }
        assert_eq!(map.glyphs_of(0, 5).into_iter().map(|k| g[k]).collect::<String>(), "Selon");
    }
}
