//! Positions of a list's items by key, built once, so that a lookup by id, a component's
//! children or its connections cost a map lookup instead of a scan of the list (scans made
//! rendering quadratic in the spec's size).

use std::collections::HashMap;

/// Key -> positions in one list, in list order. Only ever looked up, never iterated, so a hash
/// map (one hash and one comparison per lookup instead of a comparison per tree level) keeps
/// the output deterministic.
#[derive(Debug, Clone, Default)]
pub struct Positions(HashMap<String, Vec<usize>>);

impl Positions {
    /// The positions of `items` under the key each one gives (items without a key are left out).
    pub fn of<T>(items: &[T], key: impl Fn(&T) -> Option<&str>) -> Self {
        let mut map: HashMap<String, Vec<usize>> = HashMap::new();
        for (position, item) in items.iter().enumerate() {
            if let Some(key) = key(item) {
                map.entry(key.to_string()).or_default().push(position);
            }
        }
        Self(map)
    }

    /// The items under `key`, in list order; `items` is the list these positions were taken of.
    pub fn get<'a, T>(&self, key: &str, items: &'a [T]) -> impl Iterator<Item = &'a T> {
        self.0
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|position| items.get(*position))
    }

    /// The positions under `key`, in list order.
    pub fn positions(&self, key: &str) -> &[usize] {
        self.0.get(key).map_or(&[], Vec::as_slice)
    }
}
