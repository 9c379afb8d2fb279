//! Words that only set the scene of a request: who asks (银行, 派出所,
//! 厂里), the village being asked (村里, 村委会), the asking itself (开个,
//! 盖个章, 能不能, 怎么办) and particles and pronouns (吗, 呢, 我, 的).
//! Residents wrap the fact to be proved in them; they say nothing about
//! which certificate is meant, so they are left out of both the query and
//! the catalogue's terms before matching: they neither score nor dilute.
//!
//! A phrase of two or more characters is recognised by its syllables, so
//! its traditional form (銀行), a homophone typed by mistake (村理) and typed
//! pinyin (`cunli`) are left out too; a single character only as itself,
//! since one syllable alone is shared by too many words that do matter
//! (吗 and 妈 are both `ma`).

use super::hanzi::{syllable_of, Syllable};
use std::sync::OnceLock;

/// Phrases of two or more characters, read by their syllables.
const PHRASES: &[&str] = &[
    // Who asks.
    "保险公司",
    "保险",
    "银行",
    "信用社",
    "派出所",
    "公安局",
    "交警",
    "警察",
    "公证处",
    "法院",
    "律师",
    "厂里",
    "工厂",
    "公司",
    "单位",
    "学校",
    "老师",
    "医院",
    "社保局",
    "人社局",
    "民政局",
    "街道",
    "镇上",
    "镇里",
    "乡里",
    "乡政府",
    "镇政府",
    "政府",
    "中介",
    "老板",
    "房东",
    "部门",
    "办事处",
    "窗口",
    "工作人员",
    "人家",
    "对方",
    "那边",
    "上面",
    // The village being asked.
    "村里",
    "村上",
    "村委会",
    "村委",
    "村支书",
    "村干部",
    "村长",
    "居委会",
    // The asking.
    "开证明",
    "开个证明",
    "开个",
    "开一个",
    "开一张",
    "开张",
    "开具",
    "出具",
    "出个",
    "办个",
    "弄个",
    "搞个",
    "打个",
    "写个",
    "给开",
    "帮开",
    "帮忙",
    "帮我",
    "给我",
    "让我",
    "叫我",
    "要我",
    "能给",
    "能开",
    "能否",
    "盖个章",
    "盖章",
    "盖个",
    "签字",
    "能不能",
    "可不可以",
    "可以",
    "行不行",
    "是不是",
    "有没有",
    "怎么办",
    "怎么",
    "咋办",
    "咋弄",
    "去哪里",
    "去哪",
    "哪里",
    "在哪",
    "到哪",
    "哪儿",
    "请问",
    "问一下",
    "问问",
    "麻烦",
    "谢谢",
    "你好",
    "您好",
    "急用",
    "着急",
    "需要",
    "必须",
    "非要",
    "非得",
    "一定",
    "一下",
    "一个",
    "一张",
    "这个",
    "那个",
    "什么",
    "说是",
    "还要",
    "就是",
    "现在",
    "我们",
    "你们",
    "他们",
    "咱们",
    "自己",
    "的话",
    "之类",
    "东西",
    "手续",
    "材料",
];

/// Single characters, recognised only as themselves (simplified and
/// traditional forms): only those that are rarely part of a word that
/// matters here (not 个 of 个人, 请 of 申请, 就 of 就业, 他 of 其他).
const CHARACTERS: &str = "吗嗎呢吧啊呀哦嘛啦呗唄嗯哈了的我你您咱俺给給让讓要";

/// The scene phrases as syllable sequences, longest first.
fn phrases() -> &'static [Vec<Syllable>] {
    static READ: OnceLock<Vec<Vec<Syllable>>> = OnceLock::new();
    READ.get_or_init(|| {
        let mut read: Vec<Vec<Syllable>> = PHRASES
            .iter()
            .map(|p| p.chars().filter_map(syllable_of).collect())
            .collect();
        // Only the length is read (`scene_mask`), so ties may fall either way.
        read.sort_unstable_by_key(|p| std::cmp::Reverse(p.len()));
        read
    })
}

/// `items` without those that set the scene: `syllable` reads an item's
/// syllable (if it is a whole one), `character` its hanzi (if it is one).
pub fn without_scene_words<T>(
    items: Vec<T>,
    syllable: impl Fn(&T) -> Option<Syllable>,
    character: impl Fn(&T) -> Option<char>,
) -> Vec<T> {
    let mask = scene_mask(&items, syllable, character);
    items
        .into_iter()
        .zip(mask)
        .filter(|(_, scene)| !scene)
        .map(|(item, _)| item)
        .collect()
}

/// Which of `items` set the scene.
fn scene_mask<T>(
    items: &[T],
    syllable: impl Fn(&T) -> Option<Syllable>,
    character: impl Fn(&T) -> Option<char>,
) -> Vec<bool> {
    let mut mask = vec![false; items.len()];
    let mut i = 0;
    while i < items.len() {
        let long = phrases().iter().find(|p| {
            items.get(i..i + p.len()).is_some_and(|run| {
                run.iter()
                    .zip(p.iter())
                    .all(|(item, s)| syllable(item) == Some(*s))
            })
        });
        let len = match long {
            Some(p) => p.len(),
            None if character(&items[i]).is_some_and(|c| CHARACTERS.contains(c)) => 1,
            None => {
                i += 1;
                continue;
            }
        };
        mask[i..i + len].fill(true);
        i += len;
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(text: &str) -> String {
        without_scene_words(text.chars().collect(), |c| syllable_of(*c), |c| Some(*c))
            .into_iter()
            .collect()
    }

    #[test]
    fn the_asking_agency_the_village_and_the_asking_are_left_out() {
        assert_eq!(
            kept("厂里招工让村里证明我没有违法犯罪"),
            "招工证明没有违法犯罪"
        );
        assert_eq!(
            kept("保险公司让我证明我妈是我妈，村里能给开吗"),
            "证明妈是妈，开"
        );
        assert_eq!(kept("银行要村委会盖个章"), "");
    }

    #[test]
    fn traditional_forms_and_homophones_of_a_phrase_are_left_out_too() {
        assert_eq!(kept("銀行讓村裡開個無犯罪記錄證明"), "無犯罪記錄證明");
        assert_eq!(kept("村理开个无犯罪证名"), "无犯罪证名");
    }

    #[test]
    fn a_single_syllable_is_left_out_only_as_its_own_character() {
        assert_eq!(kept("我妈"), "妈");
        assert_eq!(kept("死亡"), "死亡");
    }
}
