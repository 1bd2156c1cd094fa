import Foundation
import Logging
import TetherCore
import TetherStore

/// The `stream-check` job: every second, ends the alert streams whose session is gone (signed
/// out, here or on another server sharing the store) or expired. Sign-out and account deletion
/// here end their streams at once (``AlertHub/endStreams(session:)``); this catches the rest.
enum StreamCheck {
    static func job(hub: AlertHub, sessions: any SessionStore, config: ServerConfig, logger: Logger) -> PeriodicJob {
        PeriodicJob(
            name: BackgroundJobs.Name.streamCheck.rawValue,
            schedule: .every(.seconds(1)),
            clock: config.jobClock,
            logger: logger,
            pass: {
                let now = config.clock()
                for id in await hub.streamingSessions() {
                    let session = try await sessions.session(id: id)
                    if session.map({ $0.refreshExpiresAt <= now }) ?? true {
                        await hub.endStreams(session: id)
                    }
                }
            }
        )
    }
}
