//! Group commit for online applications: submissions from every request go into one queue, and a
//! single writer stores whatever has gathered in one transaction — one durable commit for many
//! applications. Each submitter is answered only after the commit, so an acknowledged application
//! survives a crash at any moment.

use gongkai_store::applications::{ApplicationInput, BatchItem, Submitted};
use gongkai_store::{Store, StoreError};
use tokio::sync::{mpsc, oneshot};

/// Submissions written per transaction at most.
const MAX_BATCH: usize = 512;

struct Job {
    item: BatchItem,
    reply: oneshot::Sender<Result<Submitted, StoreError>>,
}

#[derive(Clone)]
pub struct Submitter {
    tx: mpsc::Sender<Job>,
}

impl Submitter {
    /// Start the writer (on the current tokio runtime).
    pub fn start(store: Store) -> Submitter {
        let (tx, rx) = mpsc::channel(8192);
        tokio::spawn(run(store, rx));
        Submitter { tx }
    }

    /// Submit one online application and wait for its durable commit.
    pub async fn submit(
        &self,
        input: ApplicationInput,
        key: Option<String>,
        today: chrono::NaiveDate,
    ) -> Result<Submitted, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            item: BatchItem { input, key, today },
            reply,
        };
        self.tx
            .send(job)
            .await
            .map_err(|_| StoreError::Internal("the application writer has stopped".into()))?;
        answer.await.map_err(|_| {
            StoreError::Internal("the application writer dropped a submission".into())
        })?
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let items: Vec<BatchItem> = jobs.iter().map(|j| j.item.clone()).collect();
        match store.submit_batch("public", &items).await {
            Ok(results) => {
                for (job, result) in jobs.into_iter().zip(results) {
                    let _ = job.reply.send(result);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, batch = items.len(), "storing a batch of applications failed");
                let message = e.to_string();
                for job in jobs {
                    let _ = job.reply.send(Err(StoreError::Internal(message.clone())));
                }
            }
        }
    }
}
