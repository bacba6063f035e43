//! Demo data: realistic tickets for a first look, for benchmarks and for
//! testing sync. The same seed gives the same base tickets (as the 95598
//! hotline would have created them).
//!
//! - [`station_events`], the app's first look: a station on the day the demo
//!   is loaded, handled on time by this device up to now.
//! - [`demo_events`], the CLI's `demo` (benchmarks, sync tests): each device
//!   adds its own follow-ups on about half of the tickets, so bundles from
//!   different devices overlap, and where two devices resolve the same
//!   ticket differently the merge shows a conflict. Its shape is what the
//!   benchmarks measure, so it stays as it is.

use crate::domain::classify::Classifier;
use crate::domain::event::sort_by_seq;
use crate::domain::event::{CauseClass, Channel, Contact, Event, EventBody, Hlc, NewEvent};
use crate::domain::facts::Facts;
use crate::domain::time::china;
use chrono::{DateTime, Duration, Utc};

const PLACES: [&str; 8] = [
    "城区幸福小区",
    "郊区工业园",
    "东山村",
    "市中心商业街",
    "北山山区",
    "开发区",
    "滨江花园",
    "南关镇",
];
const STATIONS: [&str; 4] = ["城东供电所", "城西供电所", "郊区供电所", "山区供电所"];
const TEAMS: [&str; 6] = [
    "抢修一班",
    "抢修二班",
    "营业班",
    "计量班",
    "客服班",
    "线路班",
];
const PROBLEMS: [&str; 14] = [
    "停电{n}个小时了还没人来修，我要投诉",
    "{n}户联名投诉，晚上电压太低，空调启动不了",
    "电费比平时高了一倍，是不是抄错了，要求核实",
    "营业厅工作人员态度很差，还挂电话",
    "请问阶梯电价怎么算",
    "报装跑了好几趟，手续太繁琐",
    "说好今天上午来装表，结果没来，说话不算数",
    "电线掉落在路边，有触电危险，要求立即处理",
    "建议增加网上缴费渠道",
    "感谢抢修师傅，服务很好",
    "家里停电了，请派人来修",
    "电压不稳把冰箱烧坏了，要求赔偿",
    "智能电表充值后还是没电，投诉",
    "小区配电房产权不清，物业和开发商互相推诿",
];

/// A small deterministic random source (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A realistic complaint text.
pub fn text(rng: &mut Rng) -> String {
    text_with_problem(rng).1
}

/// A complaint text and which of the demo's problems it states.
pub fn text_with_problem(rng: &mut Rng) -> (usize, String) {
    let which = rng.below(PROBLEMS.len());
    let problem = PROBLEMS[which].replace("{n}", &(1 + rng.below(60)).to_string());
    let text = format!("客户反映：{}{}", PLACES[rng.below(PLACES.len())], problem);
    (which, text)
}

/// How many different problems the demo's texts state.
pub fn problem_count() -> usize {
    PROBLEMS.len()
}

pub struct DemoOptions<'a> {
    pub tickets: usize,
    pub seed: u64,
    pub device: &'a str,
    /// Tickets are received in the 30 days before this instant.
    pub anchor: DateTime<Utc>,
}

/// The demo's fictional 95598 hotline, which takes every base ticket: one
/// per seed and number of tickets, so that demo files made with other
/// settings never give one hotline two different histories.
pub fn hotline(options: &DemoOptions) -> String {
    format!("hotline-{}-{}", options.seed, options.tickets)
}

/// The base tickets of a seed and this device's follow-ups on about half of them.
pub fn demo_events(classifier: &Classifier, options: &DemoOptions) -> Vec<Event> {
    let mut drafts: Vec<Draft> = Vec::new();
    let hotline = Hotline::new(classifier, options);
    for i in 0..options.tickets {
        let mut rng = Rng::new(options.seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
        let received = options.anchor - Duration::minutes(rng.below(30 * 24 * 60) as i64 + 60);
        let text = text(&mut rng);
        let (team, _) = hotline.base_ticket(&mut drafts, i, received, text, &mut rng);
        let ticket = format!("t-{:x}-{i}", options.seed);
        let mut parent = drafts.len() - 1;

        // This device works on about half of the tickets; which half depends on the device.
        let mut mine = Rng::new(
            fnv1a(options.device) ^ options.seed.rotate_left(17) ^ (i as u64).wrapping_mul(0x9E37),
        );
        if mine.below(2) == 1 {
            continue;
        }
        let steps = 1 + mine.below(6);
        let mut at = received;
        for step in 0..steps {
            at += Duration::minutes(10 + mine.below(if step < 3 { 90 } else { 1_800 }) as i64);
            if at > options.anchor {
                break;
            }
            let body = match step {
                0 => EventBody::Responded { note: None },
                1 => EventBody::Dispatched { team: team.into() },
                2 => EventBody::Arrived {
                    note: Some("已到达现场".into()),
                },
                3 => {
                    let (cause_class, cause, solution, improvement) =
                        CAUSES[mine.below(CAUSES.len())];
                    EventBody::Resolved {
                        cause_class,
                        cause: cause.into(),
                        solution: solution.into(),
                        improvement: improvement.into(),
                    }
                }
                4 => EventBody::FeedbackGiven {
                    channel: crate::domain::event::ContactMethod::Phone,
                    confirmed: mine.below(3) > 0,
                },
                _ => EventBody::Revisited {
                    satisfaction: [60, 80, 90, 100][mine.below(4)],
                    by_supervisor: false,
                    note: None,
                },
            };
            drafts.push(Draft {
                ticket: ticket.clone(),
                device: options.device.into(),
                at,
                n: 0,
                author: format!("{team}·{}", options.device),
                parent: Some(parent),
                body,
            });
            parent = drafts.len() - 1;
            // A revisited ticket is closed a little later, so supervision has closed tickets to audit.
            if step == 5 && at + Duration::minutes(30) <= options.anchor {
                drafts.push(Draft {
                    ticket: ticket.clone(),
                    device: options.device.into(),
                    at: at + Duration::minutes(30),
                    n: 0,
                    author: format!("{team}·{}", options.device),
                    parent: Some(parent),
                    body: EventBody::Closed,
                });
                parent = drafts.len() - 1;
            }
        }
    }
    seal_in_time_order(drafts)
}

/// The demo's hotline for one seed: it creates and classifies the base
/// tickets both demos start from.
struct Hotline<'a> {
    classifier: &'a Classifier,
    options: &'a DemoOptions<'a>,
    device: String,
}

impl<'a> Hotline<'a> {
    fn new(classifier: &'a Classifier, options: &'a DemoOptions<'a>) -> Self {
        Hotline {
            classifier,
            options,
            device: hotline(options),
        }
    }

    /// Ticket `i` as the 95598 hotline creates and classifies it: two
    /// drafts. Returns its team and its classification. Draws from `rng`
    /// in a fixed order (phone, station, team, address): demo files made
    /// before stay the same.
    fn base_ticket(
        &self,
        drafts: &mut Vec<Draft>,
        i: usize,
        received: DateTime<Utc>,
        text: String,
        rng: &mut Rng,
    ) -> (&'static str, crate::domain::classify::Classification) {
        let ticket = format!("t-{:x}-{i}", self.options.seed);
        let phone = format!("13{:09}", rng.next_u64() % 1_000_000_000);
        let station = STATIONS[rng.below(STATIONS.len())];
        let team = TEAMS[rng.below(TEAMS.len())];
        let number = format!(
            "HL-{}-{:05}",
            received.with_timezone(&china()).format("%Y%m%d"),
            i + 1
        );
        drafts.push(Draft {
            ticket: ticket.clone(),
            device: self.device.clone(),
            at: received,
            n: 0,
            author: "95598坐席".into(),
            parent: None,
            body: EventBody::Created {
                number,
                channel: Channel::Hotline,
                text: text.clone(),
                facts: Facts::default(),
                contact: Contact {
                    name: None,
                    phone: Some(phone),
                    address: Some(PLACES[rng.below(PLACES.len())].into()),
                },
                station: Some(station.into()),
                team: Some(team.into()),
            },
        });
        let c = self.classifier.classify(&text, &Facts::default());
        drafts.push(Draft {
            ticket,
            device: self.device.clone(),
            at: received,
            n: 1,
            author: "95598坐席".into(),
            parent: Some(drafts.len() - 1),
            body: EventBody::classified(c.clone()),
        });
        (team, c)
    }
}

/// How far a lively demo ticket has got by the time the demo is loaded.
#[derive(Clone, Copy, PartialEq)]
enum Pace {
    /// Handled on time, step after step, up to now.
    OnTime,
    /// The crew is on site and nothing happened since: it runs late.
    Stalled,
    /// On site now, being handled.
    InHand,
}

/// A station on the day the demo is loaded (`options.anchor`, usually now):
/// tickets spread over the last 30 days and today, each handled on time by
/// this device up to now, so most are closed after a revisit, the recent
/// ones are in hand, and the newest wait for their first response (one of
/// them due soon). One 一级 ticket is being handled on site; two tickets
/// stalled on site days ago are overdue. What a first look should see; the
/// benchmarks and sync tests keep [`demo_events`], whose shape they measure.
pub fn station_events(classifier: &Classifier, options: &DemoOptions) -> Vec<Event> {
    let mut drafts: Vec<Draft> = Vec::new();
    let hotline = Hotline::new(classifier, options);
    let minutes = Duration::minutes;
    for i in 0..options.tickets {
        let mut rng = Rng::new(options.seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
        let (received, pace) = match i {
            // Just in, the last one 50 minutes ago: its first response is due soon.
            0..=3 => (options.anchor - minutes([5, 17, 29, 50][i]), Pace::OnTime),
            4 => (options.anchor - minutes(100), Pace::InHand),
            5 | 6 => (
                options.anchor - minutes(3 * 24 * 60 + 60 * i as i64),
                Pace::Stalled,
            ),
            // A sixth of the rest came in today, the others over the month.
            _ if rng.below(6) == 0 => (
                options.anchor - minutes(120 + rng.below(22 * 60) as i64),
                Pace::OnTime,
            ),
            _ => (
                options.anchor - minutes(120 + rng.below(30 * 24 * 60) as i64),
                Pace::OnTime,
            ),
        };
        // The fifth is the urgent one: a text the rules grade 一级, with a
        // crew to send.
        let text = if i == 4 {
            (0..500)
                .map(|_| self::text(&mut rng))
                .find(|t| {
                    let c = classifier.classify(t, &Facts::default());
                    c.grade == Some(1) && c.facts.site_visit == Some(true)
                })
                .unwrap_or_else(|| self::text(&mut rng))
        } else {
            self::text(&mut rng)
        };
        let (team, c) = hotline.base_ticket(&mut drafts, i, received, text, &mut rng);
        let ticket = format!("t-{:x}-{i}", options.seed);
        let site_visit = c.facts.site_visit == Some(true);
        let urgent = c.grade == Some(1);
        let mut steps: Vec<(i64, EventBody)> = Vec::new();
        let mut at = 0i64;
        // The next step's offset, a random pause after the last one.
        let after = |at: &mut i64, rng: &mut Rng, lo: usize, hi: usize| {
            *at += (lo + rng.below(hi - lo + 1)) as i64;
            *at
        };
        // The four newest wait for it (the oldest of them, 50 minutes in, is
        // due soon); the others were answered within the hour.
        let first = if i < 4 {
            55
        } else if urgent {
            5
        } else {
            10
        };
        steps.push((
            after(&mut at, &mut rng, first, first + 25),
            EventBody::Responded { note: None },
        ));
        steps.push((after(&mut at, &mut rng, 1, 10), EventBody::RecordsPulled));
        // Conduct: a manager apologises within three working days (003 §四(一)).
        if c.category == "service_conduct" {
            steps.push((after(&mut at, &mut rng, 60, 600), EventBody::ApologyMade));
        }
        if site_visit {
            steps.push((
                after(&mut at, &mut rng, 1, 10),
                EventBody::Dispatched { team: team.into() },
            ));
            steps.push((
                after(&mut at, &mut rng, 10, 30),
                EventBody::Arrived {
                    note: Some("已到达现场".into()),
                },
            ));
        }
        if pace == Pace::OnTime {
            let (cause_class, cause, solution, improvement) = CAUSES[rng.below(CAUSES.len())];
            let resolve_within = if urgent { 600 } else { 1_200 };
            steps.push((
                after(&mut at, &mut rng, 60, resolve_within),
                EventBody::Resolved {
                    cause_class,
                    cause: cause.into(),
                    solution: solution.into(),
                    improvement: improvement.into(),
                },
            ));
            let confirmed = rng.below(4) > 0;
            steps.push((
                after(&mut at, &mut rng, 10, 120),
                EventBody::FeedbackGiven {
                    channel: crate::domain::event::ContactMethod::Phone,
                    confirmed,
                },
            ));
            let satisfaction = [80, 90, 100, 100][rng.below(4)];
            if confirmed {
                steps.push((
                    after(&mut at, &mut rng, 5, 60),
                    EventBody::Confirmed { satisfaction },
                ));
            }
            steps.push((
                after(&mut at, &mut rng, 18 * 60, 30 * 60),
                EventBody::Revisited {
                    satisfaction,
                    by_supervisor: false,
                    note: None,
                },
            ));
            steps.push((after(&mut at, &mut rng, 10, 60), EventBody::Closed));
        }
        let mut parent = drafts.len() - 1;
        for (offset, body) in steps {
            let when = received + minutes(offset);
            if when > options.anchor {
                break;
            }
            drafts.push(Draft {
                ticket: ticket.clone(),
                device: options.device.into(),
                at: when,
                n: 0,
                author: format!("{team}·{}", options.device),
                parent: Some(parent),
                body,
            });
            parent = drafts.len() - 1;
        }
    }
    seal_in_time_order(drafts)
}

/// Causes, solutions and improvements of the demo's resolutions (003 §四(二)).
const CAUSES: [(CauseClass, &str, &str, &str); 5] = [
    (
        CauseClass::EquipmentTechnical,
        "变压器过载",
        "临时调配备用变压器",
        "启动增容改造",
    ),
    (
        CauseClass::EquipmentTechnical,
        "线路老化",
        "更换老化线路",
        "纳入年度改造计划",
    ),
    (
        CauseClass::InternalManagement,
        "抄表失误",
        "重新核算电费并退费",
        "增加人工复核",
    ),
    (
        CauseClass::CustomerMisunderstanding,
        "对阶梯电价不了解",
        "讲解阶梯电价并提供计算示例",
        "加强政策宣传",
    ),
    (
        CauseClass::ExternalEnvironment,
        "第三方施工挖断电缆",
        "抢修恢复供电",
        "加强施工现场巡视",
    ),
];

/// An event before its sequence number and id are known.
struct Draft {
    ticket: String,
    device: String,
    at: DateTime<Utc>,
    /// The HLC counter at `at` (created 0, classified 1).
    n: u32,
    author: String,
    /// The draft this one follows on its ticket.
    parent: Option<usize>,
    body: EventBody,
}

/// Numbers each device's events in the order they happened (so time never
/// runs back along a device's chain) and seals them, parents first.
fn seal_in_time_order(drafts: Vec<Draft>) -> Vec<Event> {
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    // Every event of the demo passes here: the standard sort (the key ends
    // with the position, so the order is total and an unstable sort gives it).
    order.sort_unstable_by_key(|&i| (drafts[i].at, drafts[i].n, i));
    let mut seqs: std::collections::BTreeMap<&str, u64> = Default::default();
    let mut ids: Vec<Option<String>> = vec![None; drafts.len()];
    let mut events = Vec::with_capacity(drafts.len());
    for i in order {
        let d = &drafts[i];
        let seq = seqs.entry(d.device.as_str()).or_default();
        *seq += 1;
        let parents = d.parent.and_then(|p| ids[p].clone()).into_iter().collect();
        let event = NewEvent {
            ticket: d.ticket.clone(),
            device: d.device.clone(),
            seq: *seq,
            at: d.at,
            hlc: Hlc {
                ms: d.at.timestamp_millis(),
                n: d.n,
            },
            author: d.author.clone(),
            parents,
            body: d.body.clone(),
        }
        .seal();
        ids[i] = Some(event.id.to_string());
        events.push(event);
    }
    events
}

/// Each device's chain in `events` signed with the demo's well-known key
/// for that device (demo files only: anyone can sign with these keys).
pub fn demo_chains(
    events: &[Event],
) -> std::collections::BTreeMap<String, Vec<crate::domain::trust::ChainRecord>> {
    let mut by_device: std::collections::BTreeMap<&str, Vec<&Event>> = Default::default();
    for e in events {
        by_device.entry(e.device.as_str()).or_default().push(e);
    }
    by_device
        .into_iter()
        .filter_map(|(device, mut mine)| {
            sort_by_seq(&mut mine);
            let (seq, head) = crate::domain::trust::chain::fold_chain(device, mine)?;
            let key = crate::domain::trust::DeviceKey::demo(device);
            Some((device.to_string(), vec![key.sign_chain(device, seq, head)]))
        })
        .collect()
}
