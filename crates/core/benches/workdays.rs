//! Working-day arithmetic throughput: `cargo bench -p gongkai-core --bench workdays`.

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gongkai_core::Calendar;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let cal = Calendar::builtin();
    let start = NaiveDate::from_ymd_opt(2021, 9, 28).unwrap();
    let mut g = c.benchmark_group("workdays");
    g.throughput(Throughput::Elements(1));
    g.bench_function("add 20 WD (the answer period)", |b| {
        b.iter(|| cal.add_workdays(black_box(start), black_box(20)).unwrap())
    });
    g.bench_function("add 250 WD (about a year)", |b| {
        b.iter(|| cal.add_workdays(black_box(start), black_box(250)).unwrap())
    });
    let end = NaiveDate::from_ymd_opt(2021, 11, 9).unwrap();
    g.bench_function("count (2021-09-28, 2021-11-09]", |b| {
        b.iter(|| {
            cal.count_workdays(black_box(start), black_box(end))
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
