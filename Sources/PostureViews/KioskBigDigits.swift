/// A five-row block font for the kiosk's overall score: digits, the decimal point, the
/// grade letters and a space. Readable across an operations room.
enum BigDigits {
    static let height = 5
    private static let font: [Character: [String]] = [
        "0": ["#####", "#   #", "#   #", "#   #", "#####"],
        "1": ["  #  ", " ##  ", "  #  ", "  #  ", " ### "],
        "2": ["#####", "    #", "#####", "#    ", "#####"],
        "3": ["#####", "    #", " ####", "    #", "#####"],
        "4": ["#   #", "#   #", "#####", "    #", "    #"],
        "5": ["#####", "#    ", "#####", "    #", "#####"],
        "6": ["#####", "#    ", "#####", "#   #", "#####"],
        "7": ["#####", "    #", "   # ", "  #  ", "  #  "],
        "8": ["#####", "#   #", "#####", "#   #", "#####"],
        "9": ["#####", "#   #", "#####", "    #", "#####"],
        ".": ["  ", "  ", "  ", "  ", "# "],
        " ": ["   ", "   ", "   ", "   ", "   "],
        "A": [" ### ", "#   #", "#####", "#   #", "#   #"],
        "B": ["#### ", "#   #", "#### ", "#   #", "#### "],
        "C": [" ####", "#    ", "#    ", "#    ", " ####"],
        "D": ["#### ", "#   #", "#   #", "#   #", "#### "],
        "E": ["#####", "#    ", "#### ", "#    ", "#####"],
        "F": ["#####", "#    ", "#### ", "#    ", "#    "],
    ]

    /// The rows of `text` in the block font (unknown characters are skipped), drawn with `block`.
    static func lines(_ text: String, block: String) -> [String] {
        var rows = Array(repeating: "", count: height)
        for ch in text {
            guard let glyph = font[ch] else { continue }
            for r in 0..<height {
                rows[r] += glyph[r].replacingOccurrences(of: "#", with: block) + " "
            }
        }
        return rows
    }

    static func width(_ text: String) -> Int { lines(text, block: "#")[0].count }
}
