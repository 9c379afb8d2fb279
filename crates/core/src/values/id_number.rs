//! The resident ID number (居民身份证号码, GB 11643-1999) as a clerk types
//! it: 17 digits, the birth date in digits 7 to 14, and a check character
//! (ISO 7064 MOD 11-2) that catches any one digit typed wrong and most
//! swapped pairs. A number that fails is a warning, not a refusal: the
//! clerk may be copying a passport or a permit, which are not this kind.

use crate::i18n::Lang;

/// The weights of the 17 digits in the check sum.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder of the sum by 11.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// What is wrong with a typed resident ID number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdProblem {
    /// Not 18 characters (after spaces are taken out); how many it has.
    Length(usize),
    /// The first 17 are not all digits, or the last is neither a digit
    /// nor X.
    NotDigits,
    /// Digits 7 to 14 are not a birth date (between 1900 and 2099).
    BirthDate,
    /// The check character is not the one the first 17 digits give.
    CheckDigit {
        /// The one they give.
        expected: char,
    },
}

impl IdProblem {
    /// What the clerk is told, before saving.
    pub fn message(self, lang: Lang) -> String {
        match (self, lang) {
            (IdProblem::Length(n), Lang::Zh) => format!("身份证号应为18位，这里是{n}位。"),
            (IdProblem::Length(n), Lang::En) => {
                format!("A resident ID number has 18 characters; this one has {n}.")
            }
            (IdProblem::NotDigits, Lang::Zh) => {
                "身份证号前17位是数字，最后一位是数字或X。".to_owned()
            }
            (IdProblem::NotDigits, Lang::En) => {
                "A resident ID number is 17 digits and a last digit or X.".to_owned()
            }
            (IdProblem::BirthDate, Lang::Zh) => {
                "身份证号第7至14位应是出生日期，这里不是有效的日期。".to_owned()
            }
            (IdProblem::BirthDate, Lang::En) => {
                "Characters 7 to 14 of a resident ID number are the birth date; these are not a valid date.".to_owned()
            }
            (IdProblem::CheckDigit { expected }, Lang::Zh) => format!(
                "身份证号的校验位不对：按前17位，最后一位应是{expected}。多半是有一位输错了，请对照证件核对。"
            ),
            (IdProblem::CheckDigit { expected }, Lang::En) => format!(
                "The ID number's check character is wrong: the first 17 digits give {expected}. Most likely one digit was mistyped: compare it with the card."
            ),
        }
    }
}

/// The number as it is checked: spaces out, full-width digits and x made
/// plain.
fn plain(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'x' | 'ｘ' | 'Ｘ' => 'X',
            c => c,
        })
        .collect()
}

/// Checks a typed resident ID number: `Ok` if it is one, else what is
/// wrong with it.
pub fn check_id_number(text: &str) -> Result<(), IdProblem> {
    let chars = plain(text);
    if chars.len() != 18 {
        return Err(IdProblem::Length(chars.len()));
    }
    let digits: Vec<u32> = chars[..17].iter().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 17 || !(chars[17].is_ascii_digit() || chars[17] == 'X') {
        return Err(IdProblem::NotDigits);
    }
    let number = |from: usize, to: usize| digits[from..to].iter().fold(0, |n, d| n * 10 + d);
    let (year, month, day) = (number(6, 10), number(10, 12), number(12, 14));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    if !(1900..=2099).contains(&year) || day == 0 || day > days {
        return Err(IdProblem::BirthDate);
    }
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    let expected = CHECK[(sum % 11) as usize];
    if chars[17] != expected {
        return Err(IdProblem::CheckDigit { expected });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn real_numbers_pass_and_each_problem_is_named() {
        // The standard's own example, and one as typed from paper.
        assert_eq!(check_id_number("11010519491231002X"), Ok(()));
        assert_eq!(check_id_number(" 110105 19491231 002x "), Ok(()));
        assert_eq!(
            check_id_number("１１０１０５１９４９１２３１００２Ｘ"),
            Ok(())
        );
        // The number: a wrong check digit.
        assert_eq!(
            check_id_number("140105199001011234"),
            Err(IdProblem::CheckDigit { expected: '8' })
        );
        assert_eq!(check_id_number("1401051990"), Err(IdProblem::Length(10)));
        assert_eq!(check_id_number("E12345678"), Err(IdProblem::Length(9)));
        assert_eq!(
            check_id_number("14010519900101123Y"),
            Err(IdProblem::NotDigits)
        );
        assert_eq!(
            check_id_number("140105199002301235"),
            Err(IdProblem::BirthDate)
        );
        assert_eq!(
            check_id_number("140105180001011234"),
            Err(IdProblem::BirthDate)
        );
        for problem in [
            IdProblem::Length(9),
            IdProblem::NotDigits,
            IdProblem::BirthDate,
            IdProblem::CheckDigit { expected: 'X' },
        ] {
            for lang in Lang::ALL {
                assert!(!problem.message(lang).is_empty());
            }
        }
    }

    /// 17 digits with a valid birth date, and the number they make.
    fn number() -> impl Strategy<Value = String> {
        ("[0-9]{6}", 1900u32..2100, 1u32..13, 1u32..29, "[0-9]{3}").prop_map(
            |(area, year, month, day, order)| {
                let body = format!("{area}{year}{month:02}{day:02}{order}");
                let sum: u32 = body
                    .chars()
                    .filter_map(|c| c.to_digit(10))
                    .zip(WEIGHTS)
                    .map(|(d, w)| d * w)
                    .sum();
                format!("{body}{}", CHECK[(sum % 11) as usize])
            },
        )
    }

    proptest! {
        /// Every number with its check character passes; any one digit
        /// typed wrong fails, as does any two different neighbours swapped.
        #[test]
        fn one_digit_wrong_or_two_swapped_never_passes(n in number(), at in 0usize..17, with in 0u32..10) {
            prop_assert_eq!(check_id_number(&n), Ok(()));
            let mut typo: Vec<char> = n.chars().collect();
            let was = typo[at];
            typo[at] = char::from_digit(with, 10).unwrap();
            if typo[at] != was {
                prop_assert!(check_id_number(&typo.iter().collect::<String>()).is_err());
            }
            let mut swapped: Vec<char> = n.chars().collect();
            if at < 16 && swapped[at] != swapped[at + 1] {
                swapped.swap(at, at + 1);
                prop_assert!(check_id_number(&swapped.iter().collect::<String>()).is_err());
            }
        }
    }
}
