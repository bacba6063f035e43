//! Rules-engine benchmark: classifies and computes every clock for 100,000
//! generated tickets and prints tickets per second. A benchmark, not a test:
//! it prints figures and asserts nothing about time.
//!   cargo bench --bench engine            (TICKETS=20000 to shorten)

use chrono::{Duration, TimeZone, Utc};
use gridcare::domain::calendar::Calendar;
use gridcare::domain::classify::Classifier;
use gridcare::domain::clock::{clocks, ClockEvent, ClockInput, TimedEvent};
use gridcare::domain::facts::Facts;
use gridcare::domain::rules::RuleTable;
use std::hint::black_box;
use std::time::Instant;

const OPENINGS: [&str; 6] = [
    "我是",
    "你好，",
    "我家住在",
    "客户反映：",
    "我们",
    "麻烦记录一下，",
];
const PLACES: [&str; 6] = [
    "城区幸福小区",
    "郊区工业园",
    "村里",
    "市中心",
    "山区",
    "开发区",
];
const PROBLEMS: [&str; 12] = [
    "停电{n}个小时了还没人来修，我要投诉",
    "{n}户联名投诉，晚上电压太低，空调启动不了",
    "电费比平时高了一倍，是不是抄错了",
    "营业厅工作人员态度很差，还挂电话",
    "请问阶梯电价怎么算",
    "报装跑了好几趟，手续太繁琐",
    "说好今天上午来装表，结果没来，说话不算数",
    "电线掉落在路边，有触电危险",
    "建议增加网上缴费渠道",
    "感谢抢修师傅，服务很好",
    "举报有人私拉电线偷电",
    "小区产权不清，物业和开发商互相推诿",
];

fn main() {
    let tickets: usize = std::env::var("TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let table = RuleTable::shipped();
    let calendar = Calendar::shipped();
    let classifier = Classifier::new(table.clone());

    // A small linear congruential generator: the same tickets on every run.
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let base = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let texts: Vec<(String, chrono::DateTime<Utc>)> = (0..tickets)
        .map(|_| {
            let problem =
                PROBLEMS[next(PROBLEMS.len())].replace("{n}", &(1 + next(60)).to_string());
            let text = format!(
                "{}{}{}",
                OPENINGS[next(OPENINGS.len())],
                PLACES[next(PLACES.len())],
                problem
            );
            (text, base + Duration::minutes(next(525_600) as i64))
        })
        .collect();

    let now = Utc.with_ymd_and_hms(2026, 12, 31, 0, 0, 0).unwrap();
    let started = Instant::now();
    let mut clock_count = 0usize;
    for (text, received) in &texts {
        let c = classifier.classify(text, &Facts::default());
        let events = [
            TimedEvent {
                at: *received + Duration::minutes(30),
                event: ClockEvent::Responded,
            },
            TimedEvent {
                at: *received + Duration::minutes(50),
                event: ClockEvent::Dispatched,
            },
            TimedEvent {
                at: *received + Duration::hours(3),
                event: ClockEvent::PendingCustomer,
            },
            TimedEvent {
                at: *received + Duration::hours(5),
                event: ClockEvent::Resumed,
            },
            TimedEvent {
                at: *received + Duration::hours(20),
                event: ClockEvent::Resolved,
            },
        ];
        let input = ClockInput {
            received: *received,
            kind: &c.kind,
            category: &c.category,
            subcategory: c.subcategory.as_deref(),
            grade: c.grade,
            facts: &c.facts,
            events: &events,
        };
        clock_count += black_box(clocks(&table, &calendar, &input, now)).len();
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!("rules engine: {tickets} tickets classified + {clock_count} clocks computed in {elapsed:.2} s");
    println!(
        "rules engine: {:.0} tickets/second (native, one core)",
        tickets as f64 / elapsed
    );
}
