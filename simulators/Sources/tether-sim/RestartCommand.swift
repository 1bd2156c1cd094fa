import Foundation
import TetherSimulator

#if canImport(Glibc)
import Glibc
#endif

/// `--restart-command CMD`: a ``ServerRestarter`` that runs `CMD stop URL` and `CMD start URL`
/// through `/bin/sh`, its output on stderr. `stop` must return once the server is gone, `start`
/// once it was started again on the same URL with the same data (the run then waits until
/// `GET /health` answers).
///
/// The command is spawned and waited for with `posix_spawn` and `waitpid`, not Foundation's
/// `Process`: on Linux that learns of an exit when a socket it hands the child closes, and a
/// server the command starts in the background inherits it, so `start` would never seem to end.
/// For the same reason the command gets only standard input, output and error.
enum RestartCommand {
    static func restarter(_ command: String) -> ServerRestarter {
        ServerRestarter(
            stop: { url in try await Self.run(command, "stop", url) },
            start: { url in try await Self.run(command, "start", url) }
        )
    }

    /// Marks every descriptor above standard error close-on-exec: a server the command leaves
    /// running would otherwise hold it open (the socket by which whoever started tether-sim
    /// learns that it exited, say, which Foundation's `Process` hands its child).
    private static func keepDescriptorsToThisProcess() {
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Runs `command action url`; a status other than 0 is an error.
    private static func run(_ command: String, _ action: String, _ url: URL) async throws {
        let arguments = ["/bin/sh", "-c", command + " \"$@\"", "tether-sim", action, url.absoluteString]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Its standard output goes to stderr: stdout is the table (or the JSON).
        posix_spawn_file_actions_adddup2(&actions, 2, 1)
        Self.keepDescriptorsToThisProcess()
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw SimulationError("cannot run --restart-command '\(command)': errno \(spawned)")
        }
        let child = pid
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(child, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: status)
            }
        }
        // Exited (low 7 bits 0) with status 0.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw SimulationError(
                "--restart-command '\(command) \(action) \(url.absoluteString)' failed (wait status \(status))"
            )
        }
    }
}
