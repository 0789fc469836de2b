#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Times `body` in seconds.
func measure<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let t = monotonicSeconds()
    let r = try body()
    return (r, monotonicSeconds() - t)
}

/// A field of /proc/self/status in kB (`VmHWM` is the peak resident set size).
func procStatusKB(_ field: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        let digits = line.dropFirst(field.count + 1).filter(\.isNumber)
        return Int(digits)
    }
    return nil
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Nearest-rank percentile (p in 0…100).
func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return .nan }
    let rank = Int((p / 100 * Double(s.count)).rounded(.up))
    return s[min(s.count - 1, max(0, rank - 1))]
}

/// Total size of a bundle's regular files (including `kubernetes/*.json`), hidden files excluded.
func directoryBytes(_ dir: String) -> Int {
    let fm = FileManager.default
    var total = 0
    guard let files = fm.enumerator(atPath: dir) else { return 0 }
    for case let f as String in files where !f.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
        let attrs = try? fm.attributesOfItem(atPath: "\(dir)/\(f)")
        if attrs?[.type] as? FileAttributeType == .typeRegular { total += (attrs?[.size] as? Int) ?? 0 }
    }
    return total
}

func fileBytes(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
}

/// Removes a SQLite store and its side files.
func removeStore(_ path: String) {
    for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// The machine the figures were measured on.
struct MachineInfo {
    var cores: Int
    var cpuModel: String
    var memory: String
    var kernel: String

    static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let totalKB = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }.flatMap { Int($0.filter(\.isNumber)) } ?? 0
        var u = utsname()
        uname(&u)
        let release = withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return MachineInfo(cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), cpuModel: model,
                           memory: String(format: "%.1f GiB", Double(totalKB) / 1_048_576), kernel: "Linux \(release)")
    }

    var line: String { "\(cores) cores (nproc), \(cpuModel), \(memory) RAM, \(kernel)" }

    /// The 1-, 5- and 15-minute load averages: other work on the machine inflates every timing.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}

/// A child process run to completion with its wall time and peak RSS (from wait4's rusage).
struct ChildResult {
    var status: Int32
    var seconds: Double
    var maxRSSKB: Int
    var stdout: String
    var stderr: String
}

enum Child {
    /// Runs `argv` with stdout and stderr captured through files (no pipe can fill up and stall it).
    static func run(_ argv: [String], environment: [String: String]? = nil) throws -> ChildResult {
        let tmp = FileManager.default.temporaryDirectory.path
        let tag = "aksposture-bench-\(getpid())-\(UInt64(monotonicSeconds() * 1e9))"
        let outPath = "\(tmp)/\(tag).out", errPath = "\(tmp)/\(tag).err"
        defer { try? FileManager.default.removeItem(atPath: outPath); try? FileManager.default.removeItem(atPath: errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let env = environment ?? ProcessInfo.processInfo.environment
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = monotonicSeconds()
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard rc == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("wait4 failed for \(argv[0])") }
        }
        let seconds = monotonicSeconds() - start
        let exited = (status & 0x7f) == 0
        let code: Int32 = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return ChildResult(status: code, seconds: seconds, maxRSSKB: Int(usage.ru_maxrss), stdout: out, stderr: err)
    }

    /// Runs a child and decodes the last stdout line as JSON; a non-zero exit is an error.
    static func runJSON<T: Decodable>(_ argv: [String], as type: T.Type) throws -> (T, ChildResult) {
        let r = try run(argv)
        guard r.status == 0 else {
            throw BenchError("\(argv.joined(separator: " ")) exited \(r.status): \(r.stderr.suffix(2000))")
        }
        guard let line = r.stdout.split(separator: "\n").last, let data = String(line).data(using: .utf8) else {
            throw BenchError("\(argv.joined(separator: " ")) printed no result")
        }
        return (try JSONDecoder().decode(T.self, from: data), r)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Path of this executable, for re-running it as a measured child.
var selfExecutable: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}

/// One JSON line on stdout: how a measured child hands its figures back.
func emitJSON<T: Encodable>(_ value: T) throws {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    print(String(decoding: try e.encode(value), as: UTF8.self))
}
