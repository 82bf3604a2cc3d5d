//! The [`Speaker`] on its own thread: the page's events are said in the order
//! they arrive, and a slow speech stack (connecting to speech-dispatcher the
//! first time, which may start it) never holds up the app's IPC.

use crate::{Control, Event, Speaker, Status};
use std::sync::mpsc::{channel, Sender};
use std::sync::Mutex;

enum Job {
    Event(Event),
    Control(Control, Sender<Status>),
}

pub struct Service {
    jobs: Mutex<Sender<Job>>,
}

impl Service {
    /// Starts the thread that owns `speaker`.
    pub fn start(mut speaker: Speaker) -> Service {
        let (jobs, rx) = channel::<Job>();
        std::thread::Builder::new()
            .name("speech".into())
            .spawn(move || {
                for job in rx {
                    match job {
                        Job::Event(e) => speaker.event(&e),
                        Job::Control(c, reply) => {
                            let _ = reply.send(speaker.control(c));
                        }
                    }
                }
            })
            .expect("the speech thread starts");
        Service {
            jobs: Mutex::new(jobs),
        }
    }

    /// Queues an event; returns at once.
    pub fn event(&self, event: Event) {
        self.send(Job::Event(event));
    }

    /// Applies a control after every event sent before it, and answers the
    /// mode's state (waits for the speech thread: call it off async threads).
    pub fn control(&self, control: Control) -> Status {
        let (reply, answer) = channel();
        self.send(Job::Control(control, reply));
        answer.recv().expect("the speech thread answers")
    }

    /// Applies a control after every event sent before it, without waiting
    /// (the kiosk's wipe: the speech thread stops the voice right away).
    pub fn control_now(&self, control: Control) {
        let (reply, _) = channel();
        self.send(Job::Control(control, reply));
    }

    fn send(&self, job: Job) {
        let jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        jobs.send(job)
            .expect("the speech thread runs for the app's life");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Lang, Voice};
    use std::sync::Arc;

    struct Slow(Arc<Mutex<Vec<String>>>);
    impl Voice for Slow {
        fn speak(&mut self, text: &str, _: bool) -> Result<(), String> {
            std::thread::sleep(std::time::Duration::from_millis(2));
            self.0.lock().unwrap().push(text.into());
            Ok(())
        }
        fn stop(&mut self) -> Result<(), String> {
            Ok(())
        }
        fn set_rate(&mut self, _: u8) -> Result<(), String> {
            Ok(())
        }
        fn set_volume(&mut self, _: u8) -> Result<(), String> {
            Ok(())
        }
        fn set_language(&mut self, _: Lang) -> Result<(), String> {
            Ok(())
        }
    }

    #[test]
    fn events_are_said_in_the_order_sent_and_a_control_comes_after_them() {
        let said = Arc::new(Mutex::new(Vec::new()));
        let s = said.clone();
        let mut speaker = Speaker::new(Arc::new(move || {
            Ok(Box::new(Slow(s.clone())) as Box<dyn Voice>)
        }));
        speaker.transcript = None;
        let service = Service::start(speaker);
        assert!(service.control(Control::Start { lang: Lang::Fr }).on);
        for i in 0..20 {
            service.event(Event::Typed {
                text: Some(i.to_string()),
            });
        }
        let status = service.control(Control::Leave);
        assert!(!status.on);
        let said = said.lock().unwrap();
        let typed: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        assert_eq!(&said[1..21], &typed[..]);
        assert_eq!(said[21], "Mode vocal désactivé.");
    }
}
