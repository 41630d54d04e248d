//! Group commit for online applications: submissions from every request go into one queue, and a
//! single writer stores whatever has gathered in one transaction — one durable commit for many
//! applications. Each submitter is answered only after the commit, so an acknowledged application
//! survives a crash at any moment.

use gongkai_store::applications::{ApplicationInput, BatchItem, Prepared, Submitted};
use gongkai_store::files::NewAttachment;
use gongkai_store::{Store, StoreError};
use tokio::sync::{mpsc, oneshot};

/// Submissions written per transaction at most.
const MAX_BATCH: usize = 512;

struct Job {
    prepared: Prepared,
    reply: oneshot::Sender<Result<Submitted, StoreError>>,
}

#[derive(Clone)]
pub struct Submitter {
    store: Store,
    tx: mpsc::Sender<Job>,
}

impl Submitter {
    /// Start the writer (on the current tokio runtime).
    pub fn start(store: Store) -> Submitter {
        let (tx, rx) = mpsc::channel(8192);
        tokio::spawn(run(store.clone(), rx));
        Submitter { store, tx }
    }

    /// Submit one online application and wait for its durable commit.
    pub async fn submit(
        &self,
        input: ApplicationInput,
        key: Option<String>,
        today: chrono::NaiveDate,
        attachments: Vec<NewAttachment>,
    ) -> Result<Submitted, StoreError> {
        // The checks run here, in parallel across requests; the writer only writes.
        let item = BatchItem {
            input,
            key,
            today,
            attachments,
        };
        let prepared = match self.store.prepare_online(item).await? {
            Ok(p) => p,
            Err(duplicate) => return Ok(duplicate),
        };
        let (reply, answer) = oneshot::channel();
        let job = Job { prepared, reply };
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
        let (prepared, replies): (Vec<Prepared>, Vec<_>) =
            jobs.into_iter().map(|j| (j.prepared, j.reply)).unzip();
        let n = prepared.len();
        match store.write_batch(prepared).await {
            Ok(results) => {
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(result);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, batch = n, "storing a batch of applications failed");
                let message = e.to_string();
                for reply in replies {
                    let _ = reply.send(Err(StoreError::Internal(message.clone())));
                }
            }
        }
    }
}
