use crate::temporary_store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_store_passes_the_conformance_suite() {
    let (store, _folder) = temporary_store();
    crmd_store::conformance::run_all(&store).await;
}
