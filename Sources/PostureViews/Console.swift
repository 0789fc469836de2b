import Foundation

/// A key as the console understands it, decoded by the terminal backend.
public enum Key: Hashable, Sendable {
    case char(Character)
    /// Ctrl plus a letter, lower-cased: Ctrl-L is `.ctrl("l")`.
    case ctrl(Character)
    case enter, escape, backspace, delete, tab, backTab
    case up, down, left, right, pageUp, pageDown, home, end
    case function(Int)
    /// The terminal was resized (KEY_RESIZE / SIGWINCH).
    case resize
    /// Anything else the backend could not decode (kept so fuzzing can prove it is ignored).
    case unknown(Int32)
}

/// What the program asks the terminal runner to do after a key or a tick.
public enum ConsoleEffect: Equatable, Sendable {
    case quit
    /// Repaint the whole terminal from scratch (Ctrl-L); the only time the backend clears.
    case forceRedraw
    case bell
}

/// The state machine behind a console or kiosk: it turns keys and clock ticks into frames.
/// The terminal runner owns curses and calls only these three members, so everything
/// the operator can do is testable without a terminal.
public protocol ConsoleProgram: AnyObject {
    func handle(_ key: Key, now: Date) -> [ConsoleEffect]
    /// Called about every 250 ms and after every key: poll the store, advance timers.
    /// Returns true when the next frame may differ.
    func tick(now: Date) -> Bool
    func render(width: Int, height: Int) -> Screen
}
