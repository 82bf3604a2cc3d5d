//! speech-dispatcher through the `tts` crate (0.26, its speech_dispatcher_0_11
//! backend: Debian 12's speech-dispatcher 0.11.4, whose default output module
//! is espeak-ng when speech-dispatcher-espeak-ng is installed).
//!
//! The `tts` crate traces each sentence it is given (`trace!` of the `log`
//! crate, target `tts::backends::speech_dispatcher`): the app's log filter
//! keeps `tts` at `info` whatever `BORNE_LOG` says (src-tauri/src/logging.rs).

use crate::{Lang, Voice, DEFAULT_RATE, LEVELS};
use tts::{Backends, Tts};

pub struct TtsVoice {
    tts: Tts,
}

impl TtsVoice {
    /// Connects to speech-dispatcher (which libspeechd starts when it is not
    /// running and autospawn is on, Debian's default).
    pub fn connect() -> Result<TtsVoice, String> {
        let tts =
            Tts::new(Backends::SpeechDispatcher).map_err(|e| format!("speech-dispatcher: {e}"))?;
        Ok(TtsVoice { tts })
    }

    /// Whether speech-dispatcher is saying something of this connection's.
    pub fn is_speaking(&self) -> Result<bool, String> {
        self.tts.is_speaking().map_err(|e| e.to_string())
    }
}

/// A level 1..=LEVELS on `min..=max` with `normal` at `middle`.
fn scale(level: u8, middle: u8, min: f32, normal: f32, max: f32) -> f32 {
    let level = level.clamp(1, LEVELS);
    if level <= middle {
        min + (normal - min) * f32::from(level) / f32::from(middle)
    } else {
        normal + (max - normal) * f32::from(level - middle) / f32::from(LEVELS - middle)
    }
}

impl Voice for TtsVoice {
    fn speak(&mut self, text: &str, interrupt: bool) -> Result<(), String> {
        self.tts
            .speak(text, interrupt)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn stop(&mut self) -> Result<(), String> {
        self.tts.stop().map(|_| ()).map_err(|e| e.to_string())
    }

    fn set_rate(&mut self, level: u8) -> Result<(), String> {
        let t = &self.tts;
        // Level 1 is half-way between the slowest and the normal speed: the
        // slowest espeak-ng speed is hard to follow.
        let min = (t.min_rate() + t.normal_rate()) / 2.0;
        let rate = scale(level, DEFAULT_RATE, min, t.normal_rate(), t.max_rate());
        self.tts
            .set_rate(rate)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn set_volume(&mut self, level: u8) -> Result<(), String> {
        // speech-dispatcher: -100 (silent) to 100, "normal" being 100; level
        // 1 stays audible.
        let (min, max) = (self.tts.min_volume(), self.tts.max_volume());
        let volume = min
            + (max - min) * (f32::from(level.clamp(1, LEVELS)) + 2.0) / (f32::from(LEVELS) + 2.0);
        self.tts
            .set_volume(volume)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn set_language(&mut self, lang: Lang) -> Result<(), String> {
        let code = match lang {
            Lang::Fr => "fr",
            Lang::En => "en",
        };
        let voices = self.tts.voices().map_err(|e| e.to_string())?;
        // espeak-ng's voices are named by language (« French (France) »),
        // with the tag fr-FR, fr-BE, …: the first whose primary tag matches,
        // France's before the others.
        let pick = voices
            .iter()
            .filter(|v| v.language().primary_language().eq_ignore_ascii_case(code))
            .min_by_key(|v| {
                let tag = v.language().as_str().to_ascii_lowercase();
                (
                    tag != code && tag != format!("{code}-fr") && tag != format!("{code}-gb"),
                    v.name(),
                )
            });
        match pick {
            Some(v) => self.tts.set_voice(v).map_err(|e| e.to_string()),
            None => Err(format!("no voice for language {code}")),
        }
    }
}
