import CNcurses
import PostureViews

/// Turns what `wget_wch` returned into a `Key`. Pure, so every mapping is unit-tested.
/// Decoding grants nothing: a pasted burst becomes a sequence of ordinary keys and the
/// program decides what each one may do.
enum KeyDecoder {
    /// `status` is wget_wch's return value (OK, KEY_CODE_YES or ERR); `value` the wint_t.
    /// Returns nil when no key arrived (timeout or interrupted read).
    static func decode(status: Int32, value: UInt32) -> Key? {
        if status == ERR { return nil }
        if status == aksp_key_code_yes() { return decodeFunctionKey(Int32(bitPattern: value)) }
        return decodeCharacter(value)
    }

    static func decodeCharacter(_ v: UInt32) -> Key {
        switch v {
        case 0x0D, 0x0A: return .enter
        case 0x1B: return .escape
        case 0x7F, 0x08: return .backspace
        case 0x09: return .tab
        case 0x01...0x1A:
            return .ctrl(Character(Unicode.Scalar(0x60 + v)!))
        default:
            break
        }
        guard let scalar = Unicode.Scalar(v) else { return .unknown(Int32(bitPattern: v)) }
        let ch = Character(scalar)
        // NUL, the remaining C0 codes, C1 and invisible/bidi scalars are not text anyone types.
        guard v >= 0x20, TerminalText.isSafe(ch) else { return .unknown(Int32(bitPattern: v)) }
        return .char(ch)
    }

    static func decodeFunctionKey(_ code: Int32) -> Key {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE, KEY_A3: return .pageUp
        case KEY_NPAGE, KEY_C3: return .pageDown
        // vt220-style Find/Select are what some terminals send for Home/End.
        case KEY_HOME, KEY_A1, KEY_FIND: return .home
        case KEY_END, KEY_C1, KEY_SELECT: return .end
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        default:
            let f0 = aksp_key_f(0)
            if code > f0, code <= f0 + 63 { return .function(Int(code - f0)) }
            return .unknown(code)
        }
    }

    /// Escape sequences terminals send that a TERM's terminfo entry often lacks (tmux and
    /// screen under TERM=xterm, rxvt, PuTTY, normal vs application cursor mode).
    static let extraSequences: [(String, Int32)] = {
        var list: [(String, Int32)] = [
            ("\u{1b}[A", KEY_UP), ("\u{1b}[B", KEY_DOWN), ("\u{1b}[C", KEY_RIGHT), ("\u{1b}[D", KEY_LEFT),
            ("\u{1b}OA", KEY_UP), ("\u{1b}OB", KEY_DOWN), ("\u{1b}OC", KEY_RIGHT), ("\u{1b}OD", KEY_LEFT),
            ("\u{1b}[H", KEY_HOME), ("\u{1b}[F", KEY_END), ("\u{1b}OH", KEY_HOME), ("\u{1b}OF", KEY_END),
            ("\u{1b}[1~", KEY_HOME), ("\u{1b}[4~", KEY_END), ("\u{1b}[7~", KEY_HOME), ("\u{1b}[8~", KEY_END),
            ("\u{1b}[5~", KEY_PPAGE), ("\u{1b}[6~", KEY_NPAGE), ("\u{1b}[3~", KEY_DC),
            ("\u{1b}[Z", KEY_BTAB), ("\u{1b}OM", KEY_ENTER),
            ("\u{1b}OP", aksp_key_f(1)), ("\u{1b}OQ", aksp_key_f(2)), ("\u{1b}OR", aksp_key_f(3)), ("\u{1b}OS", aksp_key_f(4)),
            ("\u{1b}[11~", aksp_key_f(1)), ("\u{1b}[12~", aksp_key_f(2)), ("\u{1b}[13~", aksp_key_f(3)), ("\u{1b}[14~", aksp_key_f(4)),
        ]
        let vt220: [(Int, Int32)] = [(15, 5), (17, 6), (18, 7), (19, 8), (20, 9), (21, 10), (23, 11), (24, 12)]
        for (n, f) in vt220 { list.append(("\u{1b}[\(n)~", aksp_key_f(f))) }
        return list
    }()

    /// Binds the extra sequences that are not yet bound (or a prefix of a binding).
    static func defineExtraSequences() {
        for (sequence, code) in extraSequences where key_defined(sequence) == 0 {
            _ = define_key(sequence, code)
        }
    }
}
