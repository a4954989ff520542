//! Checking answers that recall can grade itself: choices, typed answers and key
//! points. Pure; the REPL shows what these return and proposes the grade.

use unicode_normalization::UnicodeNormalization;

use crate::sm2::Grade;

/// The grade proposed for a right auto-graded answer ("correct response after a
/// hesitation": the learner may raise it to 5).
pub const RIGHT: u8 = 4;
/// The grade proposed for a wrong one ("incorrect response; the correct one remembered").
pub const WRONG: u8 = 1;

/// Normalizes an answer for comparison: Unicode compatibility form (NFKC), case folded,
/// surrounding whitespace dropped and inner runs of whitespace made one space.
pub fn normalize(text: &str) -> String {
    let folded: String = text.nfkc().flat_map(char::to_lowercase).collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The result of a typed answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedResult {
    pub correct: bool,
    /// The accepted answer closest to what was typed.
    pub closest: String,
    /// Edit distance between the normalized forms.
    pub distance: usize,
    /// Character-by-character difference, from what was typed to the closest answer:
    /// kept characters as they are, `[-x]` to remove, `[+x]` to add.
    pub diff: String,
}

impl TypedResult {
    /// A near miss: wrong, but within one edit per five characters (at least one).
    pub fn near_miss(&self) -> bool {
        !self.correct && self.distance <= (self.closest.chars().count() / 5).max(1)
    }
}

pub fn check_typed(typed: &str, accepted: &[String]) -> TypedResult {
    let typed_n = normalize(typed);
    let mut best: Option<TypedResult> = None;
    for answer in accepted {
        let answer_n = normalize(answer);
        let (distance, diff) = diff(&typed_n, &answer_n);
        let result = TypedResult {
            correct: distance == 0,
            closest: answer.clone(),
            distance,
            diff,
        };
        if best.as_ref().is_none_or(|b| result.distance < b.distance) {
            best = Some(result);
        }
    }
    best.unwrap_or(TypedResult {
        correct: false,
        closest: String::new(),
        distance: typed_n.chars().count(),
        diff: typed_n,
    })
}

/// Levenshtein distance with the edit script drawn as text.
fn diff(from: &str, to: &str) -> (usize, String) {
    let a: Vec<char> = from.chars().collect();
    let b: Vec<char> = to.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let same = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + same);
        }
    }
    let mut ops: Vec<String> = Vec::new();
    let (mut i, mut j) = (a.len(), b.len());
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && a[i - 1] == b[j - 1] && d[i][j] == d[i - 1][j - 1] {
            ops.push(a[i - 1].to_string());
            i -= 1;
            j -= 1;
        } else if i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + 1 {
            ops.push(format!("[-{}+{}]", a[i - 1], b[j - 1]));
            i -= 1;
            j -= 1;
        } else if i > 0 && d[i][j] == d[i - 1][j] + 1 {
            ops.push(format!("[-{}]", a[i - 1]));
            i -= 1;
        } else {
            ops.push(format!("[+{}]", b[j - 1]));
            j -= 1;
        }
    }
    ops.reverse();
    (d[a.len()][b.len()], ops.concat())
}

/// Letters for choice options: a, b, c, …
pub fn option_letter(index: usize) -> char {
    char::from(b'a' + u8::try_from(index % 26).unwrap_or(0))
}

/// Reads a choice answer such as `b`, `a c` or `a,c` against `count` shown options.
/// Returns the chosen positions (in the shown order), or what was wrong with the input.
pub fn parse_choice(input: &str, count: usize) -> Result<Vec<usize>, String> {
    let mut chosen = Vec::new();
    for c in input.chars().filter(|c| !c.is_whitespace() && *c != ',') {
        let lower = c.to_ascii_lowercase();
        let index = (0..count).find(|&i| option_letter(i) == lower);
        match index {
            Some(i) if !chosen.contains(&i) => chosen.push(i),
            Some(_) => {}
            None => {
                return Err(format!(
                    "\"{c}\" is not an option: answer with letters from a to {}",
                    option_letter(count.saturating_sub(1))
                ));
            }
        }
    }
    chosen.sort_unstable();
    Ok(chosen)
}

/// The grade proposed by a key-point checklist: all covered → 5, none → 1, linear in
/// between (rounded to nearest).
pub fn points_grade(covered: usize, total: usize) -> Grade {
    let grade = if total == 0 {
        5
    } else {
        1 + (4 * covered.min(total) * 2 + total) / (2 * total)
    };
    u8::try_from(grade).ok().and_then(Grade::new).unwrap_or(Grade::PERFECT)
}

/// Reads which key points were covered: numbers (`1 3`), `all` or `none`. An empty
/// answer is not "none": the REPL reads it as skipping the checklist.
pub fn parse_points(input: &str, total: usize) -> Result<Vec<usize>, String> {
    let input = input.trim().to_lowercase();
    match input.as_str() {
        "all" | "a" => return Ok((0..total).collect()),
        "none" | "n" | "-" | "0" => return Ok(Vec::new()),
        "" => return Err("say which points you covered: numbers, `all` or `none`".into()),
        _ => {}
    }
    let mut covered = Vec::new();
    for word in input
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
    {
        match word.parse::<usize>() {
            Ok(n) if (1..=total).contains(&n) => {
                if !covered.contains(&(n - 1)) {
                    covered.push(n - 1);
                }
            }
            _ => {
                return Err(format!(
                    "{word:?} is not a point number: there are {total} (1 to {total}); type `all` or `none`, \
                     or press Enter to go to the grade"
                ));
            }
        }
    }
    covered.sort_unstable();
    Ok(covered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_answers_ignore_case_spacing_and_unicode_form() {
        let accepted = vec!["AdamW".to_string(), "Adam with decoupled weight decay".to_string()];
        assert!(check_typed("  adamw ", &accepted).correct);
        assert!(check_typed("adam  with decoupled\tweight decay", &accepted).correct);
        // "é" precomposed vs e + combining acute; fullwidth letters.
        assert!(check_typed("cafe\u{301}", &["café".to_string()]).correct);
        assert!(check_typed("ＡＤＡＭＷ", &accepted).correct);
    }

    #[test]
    fn a_near_miss_shows_the_difference_character_by_character() {
        let result = check_typed("adamv", &["AdamW".to_string()]);
        assert!(!result.correct);
        assert!(result.near_miss());
        assert_eq!(result.diff, "adam[-v+w]");
        assert_eq!(check_typed("adm", &["adam".to_string()]).diff, "ad[+a]m");
        assert_eq!(check_typed("adaam", &["adam".to_string()]).diff, "ad[-a]am");
        assert!(!check_typed("sgd", &["AdamW".to_string()]).near_miss());
    }

    #[test]
    fn choices_are_read_as_letters() {
        assert_eq!(parse_choice("b", 4), Ok(vec![1]));
        assert_eq!(parse_choice("C, a", 4), Ok(vec![0, 2]));
        assert_eq!(parse_choice("", 4), Ok(vec![]));
        assert!(
            parse_choice("e", 4)
                .expect_err("e is out of range")
                .contains("from a to d")
        );
    }

    #[test]
    fn key_points_propose_a_grade() {
        let grades: Vec<u8> = (0..=4).map(|c| points_grade(c, 4).value()).collect();
        assert_eq!(grades, [1, 2, 3, 4, 5]);
        assert_eq!(points_grade(1, 3).value(), 2);
        assert_eq!(points_grade(2, 3).value(), 4);
        assert_eq!(parse_points("1 3", 3), Ok(vec![0, 2]));
        assert_eq!(parse_points("all", 2), Ok(vec![0, 1]));
        assert_eq!(parse_points("none", 2), Ok(vec![]));
        assert!(parse_points("", 2).is_err(), "empty is not none");
        assert!(
            parse_points("5", 3)
                .expect_err("a grade")
                .contains("Enter to go to the grade")
        );
        assert!(parse_points("4", 3).is_err());
    }
}
