import Foundation

/// A device posting one telemetry event every 20 ms until stopped, following `421 wrong_region`
/// to its new home as a real device does; it counts what was acknowledged.
actor PostingDevice {
    private let credential: String
    private var server: URL
    private var stopped = false

    /// Events the servers acknowledged.
    private(set) var accepted = 0
    /// Every status the servers answered.
    private(set) var statuses: Set<Int> = []
    /// Whether a post was acknowledged after following a redirect.
    private(set) var reachedNewHome = false

    init(credential: String, server: URL) {
        self.credential = credential
        self.server = server
    }

    /// Posts until ``stop()``; a post in flight then still completes and is counted.
    func run() async {
        var redirected = false
        while !self.stopped {
            if let answer = try? await AccountReplicationTests.post(credential: self.credential, to: self.server) {
                self.statuses.insert(answer.status)
                if answer.status == 200 {
                    self.accepted += answer.body["accepted"] as? Int ?? 0
                    self.reachedNewHome = self.reachedNewHome || redirected
                } else if answer.status == 421, let home = (answer.body["home_url"] as? String).flatMap(URL.init) {
                    self.server = home
                    redirected = true
                }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    func stop() {
        self.stopped = true
    }
}
