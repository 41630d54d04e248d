//! Counts of the matches by facet (unit, year, column, type), in one pass over each segment's
//! ordinals.

use super::*;

/// Counts of the matches by facet (unit, year, column, type → value → count). Tantivy's facet
/// collector resolves every counted facet's ordinal in the dictionary one by one, and walks the
/// dictionary for each query to map sub-facets; every facet here is one level deep, so the
/// segment's ordinals are counted in an array and the dictionary read once, in order.
pub(super) struct FacetCounter;

type FacetTally = HashMap<String, HashMap<String, u64>>;

pub(super) struct FacetSegmentCounter {
    reader: tantivy::fastfield::FacetReader,
    counts: Vec<u64>,
}

impl Collector for FacetCounter {
    type Fruit = FacetTally;
    type Child = FacetSegmentCounter;

    fn for_segment(
        &self,
        _segment: tantivy::SegmentOrdinal,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<FacetSegmentCounter> {
        let reader = reader.facet_reader("facets")?;
        Ok(FacetSegmentCounter {
            counts: vec![0; reader.num_facets()],
            reader,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetTally>) -> tantivy::Result<FacetTally> {
        let mut all = FacetTally::new();
        for fruit in fruits {
            for (root, values) in fruit {
                let into = all.entry(root).or_default();
                for (value, n) in values {
                    *into.entry(value).or_default() += n;
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for FacetSegmentCounter {
    type Fruit = FacetTally;

    fn collect(&mut self, doc: tantivy::DocId, _: tantivy::Score) {
        for ord in self.reader.facet_ords(doc) {
            if let Some(n) = self.counts.get_mut(ord as usize) {
                *n += 1;
            }
        }
    }

    fn harvest(self) -> FacetTally {
        let mut tally = FacetTally::new();
        let Ok(mut terms) = self.reader.facet_dict().stream() else {
            return tally;
        };
        while terms.advance() {
            let n = self
                .counts
                .get(terms.term_ord() as usize)
                .copied()
                .unwrap_or(0);
            if n == 0 {
                continue;
            }
            let Ok(facet) = Facet::from_encoded(terms.key().to_vec()) else {
                continue;
            };
            if let [root, value] = facet.to_path().as_slice() {
                *tally
                    .entry((*root).to_string())
                    .or_default()
                    .entry((*value).to_string())
                    .or_default() += n;
            }
        }
        tally
    }
}
