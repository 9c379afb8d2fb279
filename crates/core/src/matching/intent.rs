//! Whether a question is about something other than a certificate: when
//! the office opens, how much an allowance pays, whom to call, how to file
//! a complaint. Such a question names no paper to be issued (证明, 盖章,
//! 政审 …) but asks *when*, *how much* or *where to pay*; its words may still
//! look like a certificate's (残疾人补贴 and 残疾证明), so its matches are
//! weakened below deciding and the answer stays unknown.

/// Words of a question about something else.
const ELSEWHERE: &[&str] = &[
    "补贴",
    "補貼",
    "补助",
    "補助",
    "低保",
    "报销",
    "報銷",
    "多少钱",
    "多少錢",
    "几点",
    "幾點",
    "上班",
    "下班",
    "电话",
    "電話",
    "号码",
    "號碼",
    "什么时候",
    "什麼時候",
    "哪天",
    "投诉",
    "投訴",
    "举报",
    "舉報",
    "纠纷",
    "糾紛",
    "吵架",
    "打架",
    "天气",
    "天氣",
    "公交",
    "到账",
    "到賬",
    "比例",
    "申请书",
    "申請書",
    "报名",
    "報名",
    "怎么写",
    "怎麼寫",
    "开门",
    "開門",
    "缴费",
    "繳費",
    "交费",
];

/// Words that ask for a paper, which keep a question about a certificate.
const PAPER: &[&str] = &[
    "证明",
    "證明",
    "证名",
    "證名",
    "盖章",
    "蓋章",
    "盖个章",
    "蓋個章",
    "出具",
    "政审",
    "政審",
    "认证",
    "認證",
    "反馈",
    "反饋",
];

/// How much a match to a question about something else keeps of its
/// confidence: even a full name (1.0) then falls to a bare decision.
pub const ELSEWHERE_FACTOR: f32 = 0.7;

/// Whether `query` asks about something other than a certificate.
pub fn asks_about_something_else(query: &str) -> bool {
    ELSEWHERE.iter().any(|w| query.contains(w)) && !PAPER.iter().any(|w| query.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_of_when_or_how_much_is_about_something_else() {
        assert!(asks_about_something_else("残疾人补贴每个月发多少钱"));
        assert!(asks_about_something_else("村委会几点上班"));
        assert!(asks_about_something_else("電話號碼是多少"));
    }

    #[test]
    fn asking_for_a_paper_keeps_it_a_certificate_question() {
        assert!(!asks_about_something_else("领残疾补贴要村里证明残疾"));
        assert!(!asks_about_something_else("无犯罪记录证明"));
        assert!(!asks_about_something_else("我爸去世了要销户"));
    }
}
