//! Sound really comes out: speech-dispatcher (espeak-ng's French voice) driven
//! by [`TtsVoice`], played into a PulseAudio null sink, recorded from its
//! monitor with `parecord`, and the WAV read here: audible, of a plausible
//! length, faster when faster, louder when louder.
//!
//! Needs `BORNE_SPEECH_TEST_SINK` (the null sink's name) with PulseAudio and
//! speech-dispatcher running (`PULSE_SERVER`, `SPEECHD_ADDRESS`):
//! scripts/test.sh starts both. Without the variable the test fails rather
//! than passing without having heard anything. By hand:
//!
//! ```sh
//! scripts/speech-stack.sh start /tmp/audio   # prints the variables to export
//! ```

use borne_speech::{Lang, TtsVoice, Voice};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SENTENCE: &str = "Étape 2 sur 5 — Saisissez votre numéro de Sécurité sociale.";

fn sink() -> String {
    std::env::var("BORNE_SPEECH_TEST_SINK").expect(
        "the sound test needs BORNE_SPEECH_TEST_SINK (a PulseAudio null sink) with PulseAudio and \
         speech-dispatcher running: run scripts/test.sh, or scripts/speech-stack.sh start DIR",
    )
}

struct Recording {
    child: Child,
    path: std::path::PathBuf,
}

impl Recording {
    fn start(sink: &str, path: std::path::PathBuf) -> Recording {
        let child = Command::new("parecord")
            .arg(format!("--device={sink}.monitor"))
            .args([
                "--file-format=wav",
                "--rate=16000",
                "--channels=1",
                "--format=s16le",
            ])
            .arg(&path)
            .stdout(Stdio::null())
            .spawn()
            .expect("parecord (pulseaudio-utils) must be installed");
        // parecord connects before the first sample can be recorded.
        std::thread::sleep(Duration::from_millis(400));
        Recording { child, path }
    }

    fn stop(mut self) -> Audio {
        std::thread::sleep(Duration::from_millis(300));
        unsafe_terminate(&self.child);
        self.child.wait().unwrap();
        Audio::read(&std::fs::read(&self.path).unwrap())
    }
}

/// SIGTERM, so that parecord writes its buffers out.
fn unsafe_terminate(child: &Child) {
    Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
}

/// A mono 16-bit WAV's samples.
struct Audio {
    rate: u32,
    samples: Vec<i16>,
}

impl Audio {
    fn read(wav: &[u8]) -> Audio {
        assert!(
            wav.len() > 44 && &wav[..4] == b"RIFF" && &wav[8..12] == b"WAVE",
            "not a WAV file"
        );
        let (mut pos, mut rate, mut data) = (12, 0, None);
        while pos + 8 <= wav.len() {
            let id = &wav[pos..pos + 4];
            let len = u32::from_le_bytes(wav[pos + 4..pos + 8].try_into().unwrap()) as usize;
            let body = pos + 8;
            if id == b"fmt " {
                let channels = u16::from_le_bytes(wav[body + 2..body + 4].try_into().unwrap());
                rate = u32::from_le_bytes(wav[body + 4..body + 8].try_into().unwrap());
                let bits = u16::from_le_bytes(wav[body + 14..body + 16].try_into().unwrap());
                assert_eq!((channels, bits), (1, 16), "mono 16-bit asked of parecord");
            } else if id == b"data" {
                // A recording stopped by a signal may leave the size unset: the rest of the file.
                data = Some(&wav[body..]);
                break;
            }
            pos = body + len + (len & 1);
        }
        let data = data.expect("no data chunk");
        let samples = data
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        Audio { rate, samples }
    }

    /// Seconds of 20 ms windows louder than silence, and their RMS (0..1).
    fn voiced(&self) -> (f64, f64) {
        let window = (self.rate / 50) as usize;
        let (mut n, mut sum) = (0usize, 0f64);
        for w in self.samples.chunks(window) {
            let ms = w
                .iter()
                .map(|&s| (f64::from(s) / 32768.0).powi(2))
                .sum::<f64>()
                / w.len() as f64;
            if ms.sqrt() > 0.005 {
                n += 1;
                sum += ms;
            }
        }
        let rms = if n == 0 { 0.0 } else { (sum / n as f64).sqrt() };
        (n as f64 / 50.0, rms)
    }
}

fn say_and_record(voice: &mut TtsVoice, rate: u8, volume: u8, name: &str) -> (f64, f64) {
    voice.set_rate(rate).unwrap();
    voice.set_volume(volume).unwrap();
    let dir = std::env::temp_dir().join(format!("borne-sound-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rec = Recording::start(&sink(), dir.join(format!("{name}.wav")));
    voice.speak(SENTENCE, true).unwrap();
    let start = Instant::now();
    while !voice.is_speaking().unwrap() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "speech-dispatcher never started speaking"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    while voice.is_speaking().unwrap() {
        assert!(
            start.elapsed() < Duration::from_secs(40),
            "speech-dispatcher never stopped speaking"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let audio = rec.stop();
    let _ = std::fs::remove_dir_all(&dir);
    audio.voiced()
}

#[test]
fn the_french_voice_is_heard_and_speed_and_volume_change_it() {
    let _ = sink();
    let mut voice = TtsVoice::connect().expect("speech-dispatcher answers");
    voice
        .set_language(Lang::Fr)
        .expect("a French voice (speech-dispatcher-espeak-ng)");

    let (secs, rms) = say_and_record(&mut voice, 5, 7, "normal");
    eprintln!("normal: {secs:.2} s voiced, RMS {rms:.3}");
    // The sentence is 16 syllables and a number or two: about 3-5 s at espeak-ng's normal speed.
    assert!(
        (1.5..=12.0).contains(&secs),
        "{secs} s of sound for one sentence"
    );
    assert!(rms > 0.02, "RMS {rms}: silence or near-silence");

    let (fast, _) = say_and_record(&mut voice, 9, 7, "fast");
    let (slow, _) = say_and_record(&mut voice, 1, 7, "slow");
    eprintln!("fastest: {fast:.2} s, slowest: {slow:.2} s");
    assert!(
        fast * 1.3 < slow,
        "speed 9 ({fast} s) should be much shorter than speed 1 ({slow} s)"
    );

    let (_, quiet) = say_and_record(&mut voice, 5, 1, "quiet");
    let (_, loud) = say_and_record(&mut voice, 5, 9, "loud");
    eprintln!("quietest RMS {quiet:.3}, loudest RMS {loud:.3}");
    assert!(
        quiet > 0.0 && quiet * 1.5 < loud,
        "volume 9 (RMS {loud}) should be much louder than volume 1 (RMS {quiet})"
    );
}
