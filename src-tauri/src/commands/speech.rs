//! The spoken mode's commands (issue 15 §1; docs/app-ipc.md): the page reports
//! what happens (`speak`) and what the member asks of the mode
//! (`speech_control`); crates/borne-speech decides what is said and says it
//! through speech-dispatcher. Nothing said is logged here.

use borne_speech::{Control, Event, Service, Speaker, Status};
use std::sync::Arc;
use tauri::State;

/// The speech service, one for the app's life (its thread owns the voice).
pub struct Speech(Arc<Service>);

impl Speech {
    pub fn start() -> Speech {
        Speech(Arc::new(Service::start(Speaker::with_speech_dispatcher())))
    }

    /// The wipe: stop speaking at once, forget the mode and its settings.
    pub fn forget(&self) {
        self.0.control_now(Control::Forget);
    }
}

/// An event of the page, said when the spoken mode is on (ignored otherwise).
/// Returns at once: the speech thread says events in the order they arrive.
#[tauri::command]
pub fn speak(speech: State<'_, Speech>, event: Event) {
    speech.0.event(event);
}

/// Starts or leaves the mode, repeats, changes speed or volume; answers the
/// mode's state.
#[tauri::command]
pub async fn speech_control(speech: State<'_, Speech>, control: Control) -> Result<Status, ()> {
    let service = speech.0.clone();
    tauri::async_runtime::spawn_blocking(move || service.control(control)).await.map_err(|_| ())
}
