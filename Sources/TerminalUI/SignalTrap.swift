#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CNcurses

/// Catches the signals that end a session so the terminal is restored before exit.
/// The C handler only records the signal number in a sig_atomic_t; the input loop polls
/// it every turn (the read is interrupted or times out within the input timeout).
/// Every aksp_*signal* shim call lives in this file: the slot is per object file.
final class SignalTrap {
    /// Ctrl-C, kill, SSH drop, Ctrl-\.
    static let trapped: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    private var saved: [(Int32, sigaction)] = []

    init() {
        _ = aksp_take_signal()
        for signo in SignalTrap.trapped {
            var previous = sigaction()
            guard aksp_trap_signal(signo, &previous) == 0 else { continue }
            // A signal ignored by whoever started us (nohup, a background job) stays ignored.
            if aksp_signal_was_ignored(&previous) != 0 {
                _ = aksp_restore_signal(signo, &previous)
                continue
            }
            saved.append((signo, previous))
        }
        // A write to a closed pipe or socket must be an error, not death with the
        // terminal still in raw mode.
        var previousPipe = sigaction()
        if aksp_ignore_signal(SIGPIPE, &previousPipe) == 0 { saved.append((SIGPIPE, previousPipe)) }
    }

    /// The signal received since the last call, if any.
    func take() -> Int32? {
        let signo = aksp_take_signal()
        return signo == 0 ? nil : signo
    }

    /// Puts back the dispositions that were in place before `init`. Idempotent.
    func restore() {
        for (signo, previous) in saved.reversed() {
            var p = previous
            _ = aksp_restore_signal(signo, &p)
        }
        saved.removeAll()
    }

    deinit { restore() }

    static func name(of signo: Int32) -> String {
        switch signo {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        case SIGQUIT: return "SIGQUIT"
        default: return "signal \(signo)"
        }
    }
}
