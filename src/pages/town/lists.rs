//! Editing the town's lists: a draft per list, entry by entry (names,
//! synonyms, what the village does, where to go instead, basis), the
//! changes against the published version, and publishing.

use super::failure_text;
use crate::dialog::{Asked, Dialog};
use crate::i18n::use_i18n;
use crate::loaded::Loaded;
use crate::transport::lists;
use jianzheng_core::api::lists::{EditedList, NewList};
use jianzheng_core::api::town::Me;
use jianzheng_core::catalogue::{
    default_template, render_template, Entry, EntryChange, EntryField, Route, Status, Text,
};
use jianzheng_core::i18n::Msg;
use jianzheng_core::values::AreaCode;
use leptos::prelude::*;

/// The lists tab: the lists in force in the account's area, nearest
/// first; those of its own area (or below) editable, those published above
/// shown read only; and a new list of the area's own.
#[component]
pub fn ListsView() -> impl IntoView {
    let i18n = use_i18n();
    let bump = RwSignal::new(0u32);
    let all = Loaded::new(move || {
        bump.track();
        lists::all(None)
    });
    let chosen = RwSignal::new(0usize);
    // Outlives an editor: publishing reloads the lists and makes a new one.
    let message = RwSignal::new(None::<(bool, String)>);
    view! {
        {move || message.get().map(|(ok, t)| view! { <p class:ok=ok class:error=!ok role="status" id="list-message">{t}</p> })}
        <NewListForm bump chosen message />
        {move || all.get().map(|r| match r {
            Ok(edited) => {
                let titles = edited.iter().enumerate().map(|(i, e)| {
                    let title = e.published.title.get(i18n.lang()).to_owned();
                    view! {
                        <button class="chip" class:active=move || chosen.get() == i
                            id=format!("list-{}", e.published.id) on:click=move |_| chosen.set(i)>{title}</button>
                    }
                }).collect_view();
                let current = edited.get(chosen.get()).cloned();
                view! {
                    <div class="card list-picker">{titles}</div>
                    {current.map(|e| view! { <ListEditor edited=e bump message /> })}
                }.into_any()
            }
            Err(err) => view! { <p class="error">{failure_text(&err, i18n)}</p> }.into_any(),
        })}
    }
}

/// A new list of the account's own area, published empty and then chosen
/// for editing (new lists come first: they are the nearest).
#[component]
fn NewListForm(
    bump: RwSignal<u32>,
    chosen: RwSignal<usize>,
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let area = use_context::<Me>()
        .and_then(|me| me.area)
        .map(|place| place.area);
    let code = area.as_ref().and_then(|a| a.code.parse::<AreaCode>().ok());
    let title = RwSignal::new(String::new());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(area) = code.clone() else {
            return;
        };
        let new = NewList {
            area,
            title: Text {
                zh: title.get_untracked().trim().to_owned(),
                en: String::new(),
            },
        };
        leptos::task::spawn_local(async move {
            match lists::create(&new).await {
                Ok(list) => {
                    message.set(Some((
                        true,
                        format!("{}{}", i18n.t(Msg::ListPublishedNow), list.id),
                    )));
                    title.set(String::new());
                    chosen.set(0);
                    bump.update(|n| *n += 1);
                }
                Err(err) => message.set(Some((false, failure_text(&err, i18n)))),
            }
        });
    };
    area.map(|area| view! {
        <form class="card new-list" on:submit=create>
            <label>{move || i18n.t(Msg::ListNewTitle)} " (" {area.name.clone()} ")"
                <input id="list-new-title" class="field" required maxlength="100"
                    prop:value=title on:input=move |ev| title.set(event_target_value(&ev)) />
            </label>
            <button class="btn" id="list-new" type="submit">{move || i18n.t(Msg::ListNew)}</button>
        </form>
    })
}

fn split_phrases(text: &str) -> Vec<String> {
    text.split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
fn ListEditor(
    edited: EditedList,
    bump: RwSignal<u32>,
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let published = edited.published.clone();
    let draft = RwSignal::new(edited.draft.clone().unwrap_or_else(|| published.clone()));
    let changes = RwSignal::new(edited.changes.clone());
    let editing = RwSignal::new(None::<usize>);
    let editable = edited.editable;
    let save = move |_| {
        leptos::task::spawn_local(async move {
            match lists::save_draft(&draft.get_untracked()).await {
                Ok(c) => {
                    changes.set(c);
                    message.set(Some((true, i18n.t(Msg::Saved).to_owned())));
                }
                Err(err) => message.set(Some((false, failure_text(&err, i18n)))),
            }
        });
    };
    // Publishing first saves the draft and says what will change.
    let asked = RwSignal::new(None::<Asked>);
    let title = published.title.clone();
    let ask_publish = move |_| {
        let title = title.clone();
        leptos::task::spawn_local(async move {
            match lists::save_draft(&draft.get_untracked()).await {
                Ok(c) => {
                    let count = |f: fn(&EntryChange) -> bool| c.iter().filter(|x| f(x)).count();
                    let added = count(|x| matches!(x, EntryChange::Added { .. }));
                    let changed = count(|x| matches!(x, EntryChange::Changed { .. }));
                    let removed = count(|x| matches!(x, EntryChange::Removed { .. }));
                    let mut lines = vec![format!(
                        "{} {added} · {} {changed} · {} {removed}",
                        i18n.t(Msg::ListChangeAdded),
                        i18n.t(Msg::ListChangeChanged),
                        i18n.t(Msg::ListChangeRemoved)
                    )];
                    lines.extend(c.iter().map(|x| change_text(x, i18n)));
                    if c.is_empty() {
                        lines = vec![i18n.t(Msg::ListNoChanges).to_owned()];
                    }
                    lines.push(i18n.t(Msg::ListPublishExplain).to_owned());
                    let nothing = c.is_empty();
                    changes.set(c);
                    asked.set(Some(Asked {
                        title: format!("{} · {}", i18n.t(Msg::ListPublish), title.get(i18n.lang())),
                        lines,
                        confirm: (!nothing).then_some(Msg::ListPublish),
                    }));
                }
                Err(err) => message.set(Some((false, failure_text(&err, i18n)))),
            }
        });
    };
    let id = published.id.clone();
    let publish = Callback::new(move |()| {
        let id = id.clone();
        leptos::task::spawn_local(async move {
            match lists::publish(&id).await {
                Ok(list) => {
                    message.set(Some((
                        true,
                        format!(
                            "{}{}@{}",
                            i18n.t(Msg::ListPublishedNow),
                            list.id,
                            list.version
                        ),
                    )));
                    bump.update(|n| *n += 1);
                }
                Err(err) => message.set(Some((false, failure_text(&err, i18n)))),
            }
        });
        true
    });
    let add = move |_| {
        draft.update(|d| {
            d.entries.push(Entry {
                code: format!("X{:02}", d.entries.len() + 1),
                name: Text::default(),
                aliases: vec![],
                aliases_en: vec![],
                proves: vec![],
                status: Status::MayIssue,
                basis: Text::default(),
                instead: None,
                materials: vec![],
                template: None,
                declaration: None,
            });
            editing.set(Some(d.entries.len() - 1));
        });
    };
    view! {
        <div class="card list-editor" id="list-editor">
            <h2>{published.title.get(i18n.lang()).to_owned()}</h2>
            <p>{i18n.t(Msg::ListPublished)}{format!("{} ({})", published.version, published.published)}</p>
            <p id="list-area">{i18n.t(Msg::ListPublishedAt)}{match &edited.area {
                Some(area) => area.name.clone(),
                None => i18n.t(Msg::ListWholeServer).to_owned(),
            }}</p>
            {(!editable).then(|| view! {
                <p class="note" id="list-read-only">
                    {i18n.t(if published.issued_above() { Msg::ListIssuedAboveNote } else { Msg::ListReadOnly })}
                </p>
            })}
            {(!edited.unreadable.is_empty()).then(|| view! {
                <p class="error" role="alert" id="list-unreadable">
                    {i18n.t(Msg::ListUnreadable)}{edited.unreadable.join("、")}
                </p>
            })}
            <table class="figures entries">
                <thead>
                    <tr>
                        <th>{i18n.t(Msg::EntryCode)}</th>
                        <th>{i18n.t(Msg::EntryNameZh)}</th>
                        <th>{i18n.t(Msg::EntryStatus)}</th>
                        <th class="num">{i18n.t(Msg::EntryAliasCount)}</th>
                        <th>{i18n.t(Msg::ColActions)}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || draft.get().entries.iter().enumerate().map(|(i, e)| {
                        let status = status_words(e.status);
                        // The entry's form opens right below its own row.
                        let form = (editing.get() == Some(i)).then(|| {
                            let entry = e.clone();
                            view! {
                                <tr class="entry-edit"><td colspan="5">
                                    <EntryForm entry on_save=Callback::new(move |entry: Option<Entry>| {
                                        draft.update(|d| match entry {
                                            Some(entry) => d.entries[i] = entry,
                                            None => { d.entries.remove(i); }
                                        });
                                        editing.set(None);
                                    }) />
                                </td></tr>
                            }
                        });
                        view! {
                            <tr class="entry" data-code=e.code.clone() class:editing=move || editing.get() == Some(i)>
                                <td>{e.code.clone()}</td>
                                <td>{e.name.zh.clone()}</td>
                                <td>{i18n.t(status)}</td>
                                <td class="num">{e.aliases.len()}</td>
                                <td>{editable.then(|| view! {
                                    <button class="btn edit-entry" on:click=move |_| editing.set(Some(i))>{i18n.t(Msg::ListEdit)}</button>
                                })}</td>
                            </tr>
                            {form}
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {editable.then(|| view! {
                <div class="actions">
                    <button class="btn" id="list-add" on:click=add>{i18n.t(Msg::ListAddEntry)}</button>
                    <button class="btn" id="list-save" on:click=save>{i18n.t(Msg::ListSaveDraft)}</button>
                    <button class="btn btn-primary" id="list-publish" on:click=ask_publish>{i18n.t(Msg::ListPublish)}</button>
                </div>
            })}
            <Dialog asked on_confirm=publish />
            <h3>{i18n.t(Msg::ListDraft)}</h3>
            <ul id="list-changes">
                {move || {
                    let all = changes.get();
                    if all.is_empty() {
                        return view! { <li>{i18n.t(Msg::ListNoChanges)}</li> }.into_any();
                    }
                    all.iter().map(|c| view! { <li>{change_text(c, i18n)}</li> }).collect_view().into_any()
                }}
            </ul>
        </div>
    }
}

/// One change of a draft against the published version, in words.
fn change_text(change: &EntryChange, i18n: crate::i18n::I18n) -> String {
    match change {
        EntryChange::Added { code } => format!("{} {code}", i18n.t(Msg::ListChangeAdded)),
        EntryChange::Removed { code } => format!("{} {code}", i18n.t(Msg::ListChangeRemoved)),
        EntryChange::Changed { code, fields } => {
            let words: Vec<&str> = fields.iter().map(|f| i18n.t(field_words(*f))).collect();
            format!(
                "{} {code}: {}",
                i18n.t(Msg::ListChangeChanged),
                words.join("、")
            )
        }
    }
}

/// The words for a field name core's diff reports.
fn field_words(field: EntryField) -> Msg {
    match field {
        EntryField::Name => Msg::FieldName,
        EntryField::Aliases => Msg::FieldAliases,
        EntryField::Proves => Msg::FieldProves,
        EntryField::Status => Msg::FieldStatus,
        EntryField::Basis => Msg::FieldBasis,
        EntryField::Instead => Msg::FieldInstead,
        EntryField::Materials => Msg::FieldMaterials,
        EntryField::Template => Msg::FieldTemplate,
        EntryField::Declaration => Msg::FieldDeclaration,
    }
}

fn status_words(status: Status) -> Msg {
    match status {
        Status::MayIssue => Msg::StatusMayIssue,
        Status::MustNotIssue => Msg::StatusMustNotIssue,
        Status::Abolished => Msg::StatusAbolished,
    }
}

/// One entry's fields; `on_save(None)` removes it.
#[component]
fn EntryForm(entry: Entry, on_save: Callback<Option<Entry>>) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(entry.code.clone());
    let zh = RwSignal::new(entry.name.zh.clone());
    let en = RwSignal::new(entry.name.en.clone());
    let aliases = RwSignal::new(entry.aliases.join("、"));
    let proves = RwSignal::new(entry.proves.join("、"));
    let status = RwSignal::new(entry.status);
    let agency = RwSignal::new(
        entry
            .instead
            .as_ref()
            .map(|r| r.agency.zh.clone())
            .unwrap_or_default(),
    );
    let how = RwSignal::new(
        entry
            .instead
            .as_ref()
            .map(|r| r.how.zh.clone())
            .unwrap_or_default(),
    );
    let basis = RwSignal::new(entry.basis.zh.clone());
    let template = RwSignal::new(
        entry
            .template
            .as_ref()
            .map(|t| t.zh.clone())
            .unwrap_or_default(),
    );
    let original = StoredValue::new(entry);
    // The body as it would print for a sample resident, as it is typed.
    let preview = move || {
        let typed = template.get();
        let body = match typed.trim() {
            "" => default_template().get(i18n.lang()).to_owned(),
            _ => typed,
        };
        render_template(
            &body,
            &[
                ("name", i18n.t(Msg::SampleName)),
                ("id_number", "140105199001011234"),
                ("statement", i18n.t(Msg::SampleStatement)),
                ("purpose", i18n.t(Msg::SamplePurpose)),
                ("agency", i18n.t(Msg::SampleAgency)),
            ],
        )
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut e = original.get_value();
        e.code = code.get_untracked().trim().to_owned();
        e.name.zh = zh.get_untracked().trim().to_owned();
        e.name.en = en.get_untracked().trim().to_owned();
        e.aliases = split_phrases(&aliases.get_untracked());
        e.proves = split_phrases(&proves.get_untracked());
        e.status = status.get_untracked();
        e.basis.zh = basis.get_untracked().trim().to_owned();
        let typed = template.get_untracked().trim().to_owned();
        e.template = (!typed.is_empty()).then(|| Text {
            zh: typed,
            en: e
                .template
                .as_ref()
                .map(|t| t.en.clone())
                .unwrap_or_default(),
        });
        let agency_zh = agency.get_untracked().trim().to_owned();
        e.instead = if e.status == Status::MayIssue && agency_zh.is_empty() {
            None
        } else {
            let old = e.instead.clone();
            Some(Route {
                agency: Text {
                    zh: agency_zh,
                    en: old
                        .as_ref()
                        .map(|r| r.agency.en.clone())
                        .unwrap_or_default(),
                },
                how: Text {
                    zh: how.get_untracked().trim().to_owned(),
                    en: old.map(|r| r.how.en).unwrap_or_default(),
                },
            })
        };
        on_save.run(Some(e));
    };
    let field = move |label: Msg, id: &'static str, value: RwSignal<String>| {
        view! {
            <label>{i18n.t(label)}
                <input id=id class="field" prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <form class="card entry-form" on:submit=submit>
            {field(Msg::EntryCode, "entry-code", code)}
            {field(Msg::EntryNameZh, "entry-name-zh", zh)}
            {field(Msg::EntryNameEn, "entry-name-en", en)}
            {field(Msg::EntryAliases, "entry-aliases", aliases)}
            {field(Msg::EntryProves, "entry-proves", proves)}
            <label>{i18n.t(Msg::EntryStatus)}
                <select id="entry-status" class="field" on:change=move |ev| status.set(match event_target_value(&ev).as_str() {
                    "must_not_issue" => Status::MustNotIssue,
                    "abolished" => Status::Abolished,
                    _ => Status::MayIssue,
                })>
                    {[Status::MayIssue, Status::MustNotIssue, Status::Abolished].into_iter().map(|s| {
                        let value = match s { Status::MayIssue => "may_issue", Status::MustNotIssue => "must_not_issue", Status::Abolished => "abolished" };
                        view! { <option value=value selected=move || status.get() == s>{i18n.t(status_words(s))}</option> }
                    }).collect_view()}
                </select>
            </label>
            {field(Msg::EntryInsteadAgency, "entry-agency", agency)}
            {field(Msg::EntryInsteadHow, "entry-how", how)}
            {field(Msg::EntryBasis, "entry-basis", basis)}
            <label class="entry-template">{i18n.t(Msg::EntryTemplate)}
                <textarea id="entry-template" class="field" rows="4"
                    prop:value=template on:input=move |ev| template.set(event_target_value(&ev))></textarea>
            </label>
            <div class="entry-template">
                <p>{i18n.t(Msg::EntryTemplatePreview)}</p>
                <div class="template-preview" id="template-preview">
                    {move || preview().lines().map(|line| view! { <p>{line.to_owned()}</p> }).collect_view()}
                </div>
            </div>
            <div class="actions">
                <button class="btn btn-primary" id="entry-save" type="submit">{i18n.t(Msg::Save)}</button>
                <button class="btn" type="button" id="entry-remove" on:click=move |_| on_save.run(None)>{i18n.t(Msg::ListRemoveEntry)}</button>
            </div>
        </form>
    }
}
