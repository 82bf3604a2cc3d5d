//! The kiosk's spoken mode (issue 15, EN 301 549 §5.1.3 speech output and
//! §5.1.6.1 operation without vision), without Tauri.
//!
//! The page tells what happens ([`Event`]: a screen, the focused control, a
//! character typed, a message, an on-screen key) and how the member drives the
//! mode ([`Control`]: start, leave, repeat, speed, volume, silence, forget);
//! [`Speaker`] turns each event into a sentence in the member's language
//! (the glue words are in `borne_content::speech`), decides whether it
//! interrupts what is being said, keeps the last sentence for "repeat", and
//! hands it to a [`Voice`]. [`TtsVoice`] is speech-dispatcher through the
//! `tts` crate (espeak-ng's voices on Debian); tests use a recording voice.
//!
//! Nothing said is ever logged: sentences may hold the member's data (a name
//! on a screen, a NIR typed in clear). The log gets events only (mode on/off,
//! the speech stack unavailable). A password field's characters never reach
//! this crate: the page sends a masked [`Event::Typed`] and the member hears
//! « caractère saisi ».
//!
//! Test builds only (`debug_assertions`), and only when the variable
//! `BORNE_TEST_SPEECH_TRANSCRIPT` names a file when the [`Speaker`] is made,
//! every sentence is also appended to that file, so that the e2e tests can
//! check what a member heard. Release builds contain no such code.

mod service;
mod voice;

pub use borne_content::speech::Role;
use borne_content::speech::{self as words, State};
pub use borne_content::Lang;
use serde::{Deserialize, Serialize};
pub use service::Service;
pub use voice::TtsVoice;

/// What happened on the page, as the page reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A screen (or a dialog) appeared: its title and, in a procedure, the
    /// stepper's position and the step's title.
    Screen {
        title: String,
        #[serde(default)]
        step: Option<StepPosition>,
    },
    /// A control received the focus.
    Focus {
        label: String,
        role: Role,
        #[serde(default)]
        checked: Option<bool>,
        #[serde(default)]
        required: bool,
        #[serde(default)]
        invalid: bool,
        #[serde(default)]
        disabled: bool,
        /// For a text or password field: how many characters it holds (a
        /// password field's are said as a count only).
        #[serde(default)]
        length: Option<u32>,
    },
    /// A character typed: `text` is the character, or `None` in a password
    /// field (spoken as « caractère saisi »).
    Typed {
        #[serde(default)]
        text: Option<String>,
    },
    /// A character erased.
    Erased,
    /// An error or a status message the page shows (its alert and live regions).
    Message { level: Level, text: String },
    /// A key of the on-screen keyboard was pressed (its visible name).
    Key { label: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StepPosition {
    pub number: u32,
    pub total: u32,
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Error,
    Status,
}

/// What the member asks of the mode (its keys and buttons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Control {
    /// Enter the mode, or change its language while in it.
    Start {
        lang: Lang,
    },
    /// Leave the mode: say so, then forget it.
    Leave,
    Repeat,
    Slower,
    Faster,
    Quieter,
    Louder,
    /// The kiosk's wipe (end of a member's session): stop at once, say
    /// nothing, forget the mode, the last sentence, speed and volume.
    Forget,
}

/// The mode's state, as the page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Status {
    pub on: bool,
    pub rate: u8,
    pub volume: u8,
    /// Whether a speech stack answers (false: the sentences go nowhere).
    pub voice: bool,
}

/// Speed and volume go in steps from 1 to `LEVELS`.
pub const LEVELS: u8 = 9;
const DEFAULT_RATE: u8 = 5;
const DEFAULT_VOLUME: u8 = 7;

/// Whether a sentence cuts what is being said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Everything still queued or being said is cancelled first.
    Interrupt,
    /// Said after what is queued.
    Queue,
}

/// The kind of the last sentence, which decides what the next one cuts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Screen,
    Echo,
    Message,
    Mode,
}

/// What speaks: speech-dispatcher ([`TtsVoice`]) or a test's recorder.
pub trait Voice: Send {
    fn speak(&mut self, text: &str, interrupt: bool) -> Result<(), String>;
    fn stop(&mut self) -> Result<(), String>;
    /// `level` in 1..=[`LEVELS`], [`DEFAULT_RATE`] being the voice's normal speed.
    fn set_rate(&mut self, level: u8) -> Result<(), String>;
    /// `level` in 1..=[`LEVELS`].
    fn set_volume(&mut self, level: u8) -> Result<(), String>;
    fn set_language(&mut self, lang: Lang) -> Result<(), String>;
}

/// Makes the voice the first time the mode starts (connecting to
/// speech-dispatcher may start it: not before a member asks for speech).
pub type VoiceFactory = std::sync::Arc<dyn Fn() -> Result<Box<dyn Voice>, String> + Send + Sync>;

/// How long the mode waits for the speech stack when it starts; after that
/// it goes on without a voice (a transcript only) and takes the voice when
/// it arrives. A speech-dispatcher that does not answer never blocks the app.
const CONNECT_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

type Connecting = std::sync::mpsc::Receiver<Result<Box<dyn Voice>, String>>;

pub struct Speaker {
    factory: VoiceFactory,
    voice: Option<Box<dyn Voice>>,
    connecting: Option<Connecting>,
    connect_wait: std::time::Duration,
    on: bool,
    lang: Lang,
    rate: u8,
    volume: u8,
    last: Option<String>,
    last_kind: Option<Kind>,
    #[cfg(debug_assertions)]
    transcript: Option<std::path::PathBuf>,
}

impl Speaker {
    pub fn new(factory: VoiceFactory) -> Speaker {
        Speaker {
            factory,
            voice: None,
            connecting: None,
            connect_wait: CONNECT_WAIT,
            on: false,
            lang: Lang::Fr,
            rate: DEFAULT_RATE,
            volume: DEFAULT_VOLUME,
            last: None,
            last_kind: None,
            #[cfg(debug_assertions)]
            transcript: std::env::var_os("BORNE_TEST_SPEECH_TRANSCRIPT").map(Into::into),
        }
    }

    /// speech-dispatcher's voice ([`TtsVoice`]).
    pub fn with_speech_dispatcher() -> Speaker {
        Speaker::new(std::sync::Arc::new(|| {
            TtsVoice::connect().map(|v| Box::new(v) as Box<dyn Voice>)
        }))
    }

    pub fn status(&self) -> Status {
        Status {
            on: self.on,
            rate: self.rate,
            volume: self.volume,
            voice: self.voice.is_some(),
        }
    }

    /// An event of the page: said when the mode is on, ignored otherwise.
    pub fn event(&mut self, event: &Event) {
        if !self.on {
            return;
        }
        let (text, kind) = compose(self.lang, event);
        // A screen cuts everything; an echo (focus, key, character) cuts only
        // the echo before it, so that moving fast through the controls does
        // not pile up stale names, while a screen's title or a message is
        // always heard to the end.
        let priority = match (kind, self.last_kind) {
            (Kind::Screen, _) => Priority::Interrupt,
            (Kind::Echo, Some(Kind::Echo)) => Priority::Interrupt,
            _ => Priority::Queue,
        };
        self.say(text, kind, priority);
    }

    pub fn control(&mut self, control: Control) -> Status {
        match control {
            Control::Start { lang } => {
                let was_on = self.on;
                self.on = true;
                self.lang = lang;
                if self.voice.is_none() && self.connecting.is_none() {
                    let (tx, rx) = std::sync::mpsc::channel();
                    let factory = self.factory.clone();
                    let spawned = std::thread::Builder::new()
                        .name("speech-connect".into())
                        .spawn(move || {
                            let _ = tx.send(factory());
                        });
                    match spawned {
                        Ok(_) => self.connecting = Some(rx),
                        Err(e) => {
                            tracing::warn!(error = %e, "spoken mode: cannot start connecting")
                        }
                    }
                }
                self.take_voice(Some(self.connect_wait));
                self.apply_settings();
                if !was_on {
                    tracing::info!("spoken mode on");
                }
                self.say(
                    words::mode_on(lang).to_string(),
                    Kind::Mode,
                    Priority::Interrupt,
                );
            }
            Control::Leave => {
                if self.on {
                    self.say(
                        words::mode_off(self.lang).to_string(),
                        Kind::Mode,
                        Priority::Interrupt,
                    );
                    tracing::info!("spoken mode off");
                }
                self.forget_member();
            }
            Control::Forget => {
                if let Some(voice) = self.voice.as_mut() {
                    if let Err(e) = voice.stop() {
                        tracing::warn!(error = %e, "spoken mode: stop failed");
                    }
                }
                if self.on {
                    tracing::info!("spoken mode off (wipe)");
                }
                self.forget_member();
            }
            Control::Repeat if self.on => {
                // Once on, there is always a last sentence: at least the
                // mode's own instructions.
                if let Some(text) = self.last.clone() {
                    self.say(
                        text,
                        self.last_kind.unwrap_or(Kind::Mode),
                        Priority::Interrupt,
                    );
                }
            }
            Control::Slower | Control::Faster if self.on => {
                self.rate = step(self.rate, control == Control::Faster);
                self.apply_settings();
                let text = words::rate(self.lang, self.rate, LEVELS);
                self.say_not_kept(text);
            }
            Control::Quieter | Control::Louder if self.on => {
                self.volume = step(self.volume, control == Control::Louder);
                self.apply_settings();
                let text = words::volume(self.lang, self.volume, LEVELS);
                self.say_not_kept(text);
            }
            Control::Repeat
            | Control::Slower
            | Control::Faster
            | Control::Quieter
            | Control::Louder => {}
        }
        self.status()
    }

    /// The voice, once the connection made in the background answers
    /// (waiting at most `wait`).
    fn take_voice(&mut self, wait: Option<std::time::Duration>) {
        let Some(rx) = &self.connecting else { return };
        // Err(true): not yet; Err(false): the connecting thread is gone.
        let got = match wait {
            Some(d) => rx
                .recv_timeout(d)
                .map_err(|e| matches!(e, std::sync::mpsc::RecvTimeoutError::Timeout)),
            None => rx
                .try_recv()
                .map_err(|e| matches!(e, std::sync::mpsc::TryRecvError::Empty)),
        };
        match got {
            Ok(Ok(voice)) => {
                self.voice = Some(voice);
                self.connecting = None;
                // At the start, the caller applies them next.
                if wait.is_none() {
                    self.apply_settings();
                }
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "spoken mode: no speech stack, nothing will be heard");
                self.connecting = None;
            }
            Err(true) if wait.is_some() => {
                tracing::warn!(
                    "spoken mode: the speech stack does not answer yet; going on without a voice"
                )
            }
            Err(true) => {}
            Err(false) => self.connecting = None,
        }
    }

    /// Off, with the default speed and volume, nothing to repeat.
    fn forget_member(&mut self) {
        self.on = false;
        self.lang = Lang::Fr;
        self.rate = DEFAULT_RATE;
        self.volume = DEFAULT_VOLUME;
        self.last = None;
        self.last_kind = None;
    }

    fn apply_settings(&mut self) {
        let (lang, rate, volume) = (self.lang, self.rate, self.volume);
        if let Some(voice) = self.voice.as_mut() {
            let result = voice
                .set_language(lang)
                .and_then(|()| voice.set_rate(rate))
                .and_then(|()| voice.set_volume(volume));
            if let Err(e) = result {
                tracing::warn!(error = %e, "spoken mode: the voice refused a setting");
            }
        }
    }

    /// A speed or volume change is said at the new setting but not kept as
    /// the message to repeat (the member wants the last real message again).
    fn say_not_kept(&mut self, text: String) {
        let (last, kind) = (self.last.take(), self.last_kind);
        self.say(text, Kind::Mode, Priority::Interrupt);
        self.last = last;
        self.last_kind = kind;
    }

    fn say(&mut self, text: String, kind: Kind, priority: Priority) {
        #[cfg(debug_assertions)]
        if let Some(path) = &self.transcript {
            use std::io::Write;
            let line = text.replace('\n', " ");
            let written = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| writeln!(f, "{line}"));
            if let Err(e) = written {
                tracing::warn!(error = %e, "spoken mode: test transcript not written");
            }
        }
        if self.voice.is_none() {
            self.take_voice(None);
        }
        if let Some(voice) = self.voice.as_mut() {
            if let Err(e) = voice.speak(&text, priority == Priority::Interrupt) {
                // The error comes from the speech stack, never the sentence.
                tracing::warn!(error = %e, "spoken mode: speech failed");
            }
        }
        self.last = Some(text);
        self.last_kind = Some(kind);
    }
}

fn step(level: u8, up: bool) -> u8 {
    if up {
        (level + 1).min(LEVELS)
    } else {
        level.saturating_sub(1).max(1)
    }
}

/// The sentence for an event, and its kind.
fn compose(lang: Lang, event: &Event) -> (String, Kind) {
    match event {
        Event::Screen { title, step } => {
            let mut text = sentence(title);
            if let Some(step) = step {
                text.push(' ');
                text.push_str(&words::step(lang, step.number, step.total));
                match step.title.as_deref().map(str::trim) {
                    Some(t) if !t.is_empty() => {
                        text.push_str(" — ");
                        text.push_str(&sentence(t));
                    }
                    _ => text.push('.'),
                }
            }
            (text, Kind::Screen)
        }
        Event::Focus {
            label,
            role,
            checked,
            required,
            invalid,
            disabled,
            length,
        } => {
            let mut parts = vec![
                label.trim().to_string(),
                words::role(lang, *role).to_string(),
            ];
            match checked {
                Some(true) => parts.push(words::state(lang, State::Checked)),
                Some(false) => parts.push(words::state(lang, State::NotChecked)),
                None => {}
            }
            if *required {
                parts.push(words::state(lang, State::Required));
            }
            if *invalid {
                parts.push(words::state(lang, State::Invalid));
            }
            if *disabled {
                parts.push(words::state(lang, State::Disabled));
            }
            match (role, length) {
                (Role::TextField | Role::PasswordField, Some(0)) => {
                    parts.push(words::state(lang, State::Empty))
                }
                (Role::PasswordField, Some(n)) => {
                    parts.push(words::state(lang, State::Characters(*n)))
                }
                _ => {}
            }
            parts.retain(|p| !p.is_empty());
            (parts.join(", "), Kind::Echo)
        }
        Event::Typed { text: None } => (words::masked_character(lang).to_string(), Kind::Echo),
        Event::Typed { text: Some(t) } if t.trim().is_empty() => {
            (words::space(lang).to_string(), Kind::Echo)
        }
        Event::Typed { text: Some(t) } => (t.clone(), Kind::Echo),
        Event::Erased => (words::erased(lang).to_string(), Kind::Echo),
        Event::Message {
            level: Level::Error,
            text,
        } => (
            format!("{} {}", words::error_prefix(lang), sentence(text)),
            Kind::Message,
        ),
        Event::Message {
            level: Level::Status,
            text,
        } => (sentence(text), Kind::Message),
        Event::Key { label } => (
            format!("{}, {}", label.trim(), words::role(lang, Role::Key)),
            Kind::Echo,
        ),
    }
}

/// The text trimmed, with a final full stop when it has no final punctuation
/// (so that the voice pauses before what follows).
fn sentence(text: &str) -> String {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match t.chars().last() {
        Some('.' | '!' | '?' | '…' | ':') | None => t,
        Some(_) => format!("{t}."),
    }
}

#[cfg(test)]
mod tests;
