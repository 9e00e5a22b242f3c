/**
 * Case mapping as Alertmanager's template functions do it: Go's strings.ToUpper/ToLower
 * (per-rune simple mappings, Go 1.19 unicode) and golang.org/x/text/cases'
 * Title(language.AmericanEnglish), whose word boundaries are Unicode word-break classes rather
 * than strings.Title's "letter after a non-letter".
 */

/**
 * simpleMap applies a per-code-point mapping where it yields exactly one code point, as Go's
 * unicode.ToUpper/ToLower do (they have no one-to-many SpecialCasing entries: `ß` stays `ß`).
 */
function simpleMap(s: string, upper: boolean): string {
  let out = ''
  for (const ch of s) {
    if (!upper && ch === '\u0130') {
      // Go's unicode.ToLower maps U+0130 to a plain i; JS gives i + U+0307.
      out += 'i'
      continue
    }
    const m = upper ? ch.toUpperCase() : ch.toLowerCase()
    out += Array.from(m).length === 1 ? m : ch
  }
  return out
}

/**
 * goToUpper is Go's strings.ToUpper.
 *
 * @param s - the text.
 * @returns the text in upper case, rune by rune.
 */
export function goToUpper(s: string): string {
  return /^[\x00-\x7f]*$/.test(s) ? s.toUpperCase() : simpleMap(s, true)
}

/**
 * goToLower is Go's strings.ToLower.
 *
 * @param s - the text.
 * @returns the text in lower case, rune by rune.
 */
export function goToLower(s: string): string {
  return /^[\x00-\x7f]*$/.test(s) ? s.toLowerCase() : simpleMap(s, false)
}

const CASED = /^\p{Cased}$/u
// Word_Break MidLetter, MidNumLet and Single_Quote: x/text's isMid runes.
const MID =
  /^['.:\u00b7\u0387\u055f\u05f4\u2018\u2019\u2024\u2027\ufe13\ufe52\ufe55\uff07\uff0e\uff1a]$/u
// Runes that do not break a word (x/text gen.go: Extend, Format, MidLetter, MidNumLet,
// Single_Quote, ALetter, Hebrew_Letter, Numeric, ExtendNumLet, ZWJ). Letters of scripts that
// Word_Break leaves out of ALetter (Han, kana, Thai and its neighbours) do break.
const NOT_BREAK = /^[\p{L}\p{M}\p{Nd}\p{Pc}\p{Cf}\u200d]$/u
const BREAKING_LETTER =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Myanmar}\p{Script=Khmer}]$/u

// Title-case forms that differ from upper case: the Latin digraphs and the ligatures whose
// SpecialCasing title mapping is not their upper-case mapping.
const TITLE: Readonly<Record<string, string>> = {
  '\u01c4': '\u01c5',
  '\u01c5': '\u01c5',
  '\u01c6': '\u01c5',
  '\u01c7': '\u01c8',
  '\u01c8': '\u01c8',
  '\u01c9': '\u01c8',
  '\u01ca': '\u01cb',
  '\u01cb': '\u01cb',
  '\u01cc': '\u01cb',
  '\u01f1': '\u01f2',
  '\u01f2': '\u01f2',
  '\u01f3': '\u01f2',
  ß: 'Ss',
  ﬀ: 'Ff',
  ﬁ: 'Fi',
  ﬂ: 'Fl',
  ﬃ: 'Ffi',
  ﬄ: 'Ffl',
  ﬅ: 'St',
  ﬆ: 'St',
  և: 'Եւ',
}

function titleRune(ch: string): string {
  return TITLE[ch] ?? ch.toUpperCase()
}

function isMid(ch: string): boolean {
  return MID.test(ch)
}

function isBreak(ch: string): boolean {
  return (!NOT_BREAK.test(ch) && !isMid(ch)) || BREAKING_LETTER.test(ch)
}

/**
 * titleCase is `cases.Title(language.AmericanEnglish).String` (golang.org/x/text/cases
 * map.go titleCaser): the first cased rune of each word is title-cased and the rest of the word
 * lower-cased (`hELLO` → `Hello`, unlike strings.Title). Words end at runes of a breaking
 * Word_Break class (space, `-`, `/`, `,`...) and at two mid-word runes in a row (`a..b`);
 * digits, `_`, `'`, `.` and `:` do not end a word (`don't` → `Don't`, `foo_bar` → `Foo_bar`).
 *
 * @param s - the text.
 * @returns the title-cased text.
 */
export function titleCase(s: string): string {
  const runes = Array.from(s)
  let out = ''
  let isMidWord = false
  // Lower-casing runs are mapped together so that JS applies the final-sigma rule, as x/text's
  // lower caser does.
  let lowerRun = ''
  const flush = (): void => {
    out += lowerRun.toLowerCase()
    lowerRun = ''
  }
  for (let i = 0; i < runes.length; i++) {
    const ch = runes[i] as string
    const wasMid = isMid(ch)
    if (CASED.test(ch)) {
      if (!isMidWord) {
        flush()
        out += titleRune(ch)
        isMidWord = true
      } else {
        lowerRun += ch
      }
    } else {
      // Uncased runes are copied; in the run they give the final-sigma rule its context.
      lowerRun += ch
      if (isBreak(ch)) {
        isMidWord = false
      }
    }
    const next = runes[i + 1]
    if (wasMid && next !== undefined && isMid(next)) {
      isMidWord = false
    }
  }
  flush()
  return out
}
