import Dispatch

/// Runs the jobs of the tasks that prefer it on a serial queue with a thread of its own, not on
/// Swift concurrency's shared pool: a test process runs hundreds of tests on that pool (two
/// threads on two cores), and a helper that other processes wait on, such as the
/// ``ForwardingProxy`` between two regions, must not queue behind their work.
final class DedicatedExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        self.queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = self.asUnownedTaskExecutor()
        self.queue.async { job.runSynchronously(on: executor) }
    }
}
