use super::roles::{Action, Refusal, Role, Scope};
use super::*;
use proptest::prelude::*;

fn code(text: &str) -> AreaCode {
    text.parse().unwrap()
}

fn area(c: &str, level: Level, parent: Option<&str>) -> Area {
    Area {
        code: code(c),
        name: format!("区{c}").parse().unwrap(),
        level,
        parent: parent.map(code),
    }
}

/// A county with two towns of two villages each.
fn county() -> AreaTree {
    AreaTree::new([
        area("C", Level::County, None),
        area("T1", Level::Town, Some("C")),
        area("T2", Level::Town, Some("C")),
        area("V11", Level::Village, Some("T1")),
        area("V12", Level::Village, Some("T1")),
        area("V21", Level::Village, Some("T2")),
        area("V22", Level::Village, Some("T2")),
    ])
    .unwrap()
}

#[test]
fn a_tree_knows_its_paths_subtrees_and_ancestors_nearest_first() {
    let tree = county();
    assert_eq!(tree.root().code, code("C"));
    let up: Vec<_> = tree
        .ancestors(&code("V21"))
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(up, ["T2", "C"]);
    let path: Vec<_> = tree
        .path(&code("V21"))
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(path, ["C", "T2", "V21"]);
    let below: Vec<_> = tree
        .subtree(&code("T1"))
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(below, ["T1", "V11", "V12"]);
    assert_eq!(tree.villages_within(&code("C")).len(), 4);
    assert!(tree.is_within(&code("V12"), &code("T1")));
    assert!(!tree.is_within(&code("V12"), &code("T2")));
    assert!(
        !tree.is_within(&code("X"), &code("C")),
        "an unknown code is nowhere"
    );
}

#[test]
fn what_is_not_a_tree_is_refused_saying_why() {
    let two_roots = AreaTree::new([
        area("A", Level::County, None),
        area("B", Level::County, None),
    ]);
    assert!(matches!(two_roots, Err(TreeError::TwoRoots(..))));
    let orphan = AreaTree::new([
        area("A", Level::County, None),
        area("V", Level::Village, Some("Z")),
    ]);
    assert!(matches!(orphan, Err(TreeError::UnknownParent { .. })));
    let upside = AreaTree::new([
        area("A", Level::Town, None),
        area("B", Level::County, Some("A")),
    ]);
    assert!(matches!(upside, Err(TreeError::LevelOrder { .. })));
    let twice = AreaTree::new([area("A", Level::County, None), area("A", Level::Town, None)]);
    assert!(matches!(twice, Err(TreeError::Duplicate(_))));
    assert!(matches!(AreaTree::new([]), Err(TreeError::NoRoot)));
    for error in [
        TreeError::NoRoot,
        TreeError::Cycle(code("A")),
        TreeError::VillageLevel(code("A")),
    ] {
        assert!(error.message(Lang::Zh).chars().any(|c| c > '\u{4e00}'));
    }
}

#[test]
fn areas_are_added_renamed_and_moved_but_never_into_themselves() {
    let tree = county();
    let moved = tree.with(area("V11", Level::Village, Some("T2"))).unwrap();
    assert!(moved.is_within(&code("V11"), &code("T2")));
    assert_eq!(moved.children(&code("T1")), [code("V12")]);
    let added = tree.with(area("T3", Level::Town, Some("C"))).unwrap();
    assert_eq!(added.len(), 8);
    assert!(matches!(
        tree.with(area("T1", Level::Town, Some("V11"))),
        Err(TreeError::Cycle(_))
    ));
    assert!(matches!(
        tree.with(area("T1", Level::Town, Some("V21"))),
        Err(TreeError::LevelOrder { .. })
    ));
    assert!(matches!(
        tree.with(area("C", Level::County, Some("T1"))),
        Err(TreeError::Cycle(_))
    ));
    assert!(matches!(
        tree.with(area("V11", Level::Town, Some("C"))),
        Err(TreeError::VillageLevel(_))
    ));
    // A town's server taken into a city's tree: the root moves below it.
    let city = tree
        .with_all([
            area("S", Level::City, None),
            area("C", Level::County, Some("S")),
        ])
        .unwrap();
    assert_eq!(city.root().code, code("S"));
    assert!(city.is_within(&code("V22"), &code("S")));
}

#[test]
fn statistical_codes_name_their_level() {
    for (c, level) in [
        ("140000000000", Level::Province),
        ("140100000000", Level::City),
        ("140105000000", Level::County),
        ("140105001000", Level::Town),
        ("140105001001", Level::Village),
    ] {
        assert_eq!(Level::of_statistical_code(c), Some(level), "{c}");
    }
    assert_eq!(Level::of_statistical_code("T1"), None);
    assert_eq!(Level::of_statistical_code("14010500100"), None);
}

fn row(line: usize, c: &str, name: &str, parent: &str, level: Option<&str>) -> AreaRow {
    AreaRow {
        line,
        code: c.into(),
        name: name.into(),
        parent: parent.into(),
        level: level.map(Into::into),
    }
}

#[test]
fn an_area_file_infers_levels_from_codes_and_parents_in_any_order() {
    let rows = [
        // A child before its parent, with codes of no statistical form.
        row(2, "DG01", "东关村", "XZ", None),
        row(3, "XZ", "新镇", "140105000000", None),
        row(4, "140105000000", "小店区", "", None),
    ];
    let tree = import(None, &rows).unwrap();
    assert_eq!(tree.get(&code("XZ")).unwrap().level, Level::Town);
    assert_eq!(tree.get(&code("DG01")).unwrap().level, Level::Village);
    // Added to an existing tree; a level column wins.
    let more = [row(2, "T9", "九镇", "140105000000", Some("乡镇"))];
    let tree = import(Some(&tree), &more).unwrap();
    assert_eq!(tree.children(&code("140105000000")).len(), 2);
    // A root of no statistical form needs its level.
    let err = import(None, &[row(2, "ROOT", "某县", "", None)]).unwrap_err();
    assert!(matches!(err, ImportError::Level { line: 2, .. }), "{err}");
    assert!(err.message(Lang::Zh).contains("第2行"));
    let err = import(Some(&tree), &[row(3, "X1", "某村", "NOPE", None)]).unwrap_err();
    assert!(
        matches!(err, ImportError::Tree(TreeError::UnknownParent { .. })),
        "{err}"
    );
    let err = import(None, &[row(5, "bad code!", "某县", "", Some("county"))]).unwrap_err();
    assert!(matches!(err, ImportError::Value { line: 5, .. }), "{err}");
}

#[test]
fn each_role_does_what_it_may_within_its_area_only() {
    let tree = county();
    let officer = Scope {
        role: Role::Officer,
        area: code("T1"),
    };
    assert_eq!(
        officer.may(Action::ManageTablets, &code("V11"), &tree),
        Ok(())
    );
    assert_eq!(
        officer.may(Action::ManageTablets, &code("V21"), &tree),
        Err(Refusal::OutsideScope(code("V21")))
    );
    assert_eq!(
        officer.may(Action::ManageAccounts, &code("V11"), &tree),
        Err(Refusal::Role(Role::Officer))
    );
    assert_eq!(
        officer.may(Action::ManageVillages, &code("T1"), &tree),
        Err(Refusal::LevelAbove(Level::Town)),
        "an officer manages villages, not the town itself"
    );
    let viewer = Scope {
        role: Role::Viewer,
        area: code("C"),
    };
    assert_eq!(viewer.may(Action::Read, &code("V22"), &tree), Ok(()));
    assert_eq!(viewer.may(Action::Export, &code("C"), &tree), Ok(()));
    for action in Action::ALL {
        if action != Action::Read && action != Action::Export {
            assert_eq!(
                viewer.may(action, &code("V22"), &tree),
                Err(Refusal::Role(Role::Viewer)),
                "{action:?}"
            );
        }
    }
    assert_eq!(
        viewer.may(Action::Read, &code("NOPE"), &tree),
        Err(Refusal::UnknownArea(code("NOPE")))
    );
}

#[test]
fn an_administrator_grants_within_its_area_and_never_above_its_role() {
    let tree = county();
    let town_admin = Scope {
        role: Role::Administrator,
        area: code("T1"),
    };
    let grant = |role, area: &str| Scope {
        role,
        area: code(area),
    };
    assert_eq!(
        town_admin.may_grant(&grant(Role::Officer, "T1"), &tree),
        Ok(())
    );
    assert_eq!(
        town_admin.may_grant(&grant(Role::Administrator, "V11"), &tree),
        Ok(())
    );
    assert_eq!(
        town_admin.may_grant(&grant(Role::Officer, "C"), &tree),
        Err(Refusal::OutsideScope(code("C")))
    );
    let officer = grant(Role::Officer, "C");
    assert_eq!(
        officer.may_grant(&grant(Role::Viewer, "T1"), &tree),
        Err(Refusal::Role(Role::Officer))
    );
}

/// A random tree: area `i > 0` hangs below an earlier one whose level is
/// higher; levels are drawn along the way.
fn arb_tree() -> impl Strategy<Value = AreaTree> {
    prop::collection::vec((any::<prop::sample::Index>(), 1usize..=2), 0..40).prop_map(|links| {
        let mut areas = vec![area("A0", Level::Province, None)];
        for (i, (pick, step)) in links.into_iter().enumerate() {
            let parents: Vec<&Area> = areas.iter().filter(|a| a.level < Level::Village).collect();
            let parent = parents[pick.index(parents.len())];
            let below = (parent.level as usize + step).min(Level::Village as usize);
            let level = Level::ALL[below];
            let new = area(&format!("A{}", i + 1), level, Some(parent.code.as_str()));
            areas.push(new);
        }
        AreaTree::new(areas).unwrap()
    })
}

proptest! {
    #[test]
    fn within_is_a_partial_order_and_subtrees_are_exactly_what_lies_within(
        tree in arb_tree(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>(), c in any::<prop::sample::Index>(),
    ) {
        let codes: Vec<AreaCode> = tree.areas().map(|x| x.code.clone()).collect();
        let (a, b, c) = (&codes[a.index(codes.len())], &codes[b.index(codes.len())], &codes[c.index(codes.len())]);
        prop_assert!(tree.is_within(a, a));
        prop_assert!(tree.is_within(a, &tree.root().code));
        if tree.is_within(a, b) && tree.is_within(b, c) {
            prop_assert!(tree.is_within(a, c));
        }
        if tree.is_within(a, b) && tree.is_within(b, a) {
            prop_assert_eq!(a, b);
        }
        let mut sub: Vec<&AreaCode> = tree.subtree(b).iter().map(|x| &x.code).collect();
        sub.sort();
        let within: Vec<&AreaCode> = codes.iter().filter(|x| tree.is_within(x, b)).collect();
        prop_assert_eq!(sub, within);
        // The ancestors run up to the root, each level higher than the last.
        let mut level = tree.get(a).unwrap().level;
        for above in tree.ancestors(a) {
            prop_assert!(above.level < level);
            level = above.level;
        }
    }

    #[test]
    fn a_move_is_accepted_only_into_a_tree_and_a_grant_never_widens_a_scope(
        tree in arb_tree(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>(),
        role in prop::sample::select(Role::ALL.to_vec()), granted in prop::sample::select(Role::ALL.to_vec()),
    ) {
        let codes: Vec<AreaCode> = tree.areas().map(|x| x.code.clone()).collect();
        let (a, b) = (&codes[a.index(codes.len())], &codes[b.index(codes.len())]);
        let mut moved = tree.get(a).unwrap().clone();
        moved.parent = Some(b.clone());
        match tree.with(moved) {
            Ok(after) => {
                prop_assert!(after.is_within(a, b));
                prop_assert!(!tree.is_within(b, a));
                prop_assert_eq!(after.len(), tree.len());
            }
            Err(_) => prop_assert!(
                tree.is_within(b, a) || tree.get(b).unwrap().level >= tree.get(a).unwrap().level
            ),
        }
        let granter = Scope { role, area: a.clone() };
        let grant = Scope { role: granted, area: b.clone() };
        if granter.may_grant(&grant, &tree).is_ok() {
            prop_assert_eq!(role, Role::Administrator);
            prop_assert!(granted <= role);
            prop_assert!(tree.is_within(b, a));
        }
    }
}
