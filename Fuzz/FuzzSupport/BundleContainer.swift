import Foundation
import PostureImport
import PostureModel
#if canImport(Glibc)
import Glibc
#endif

/// A whole bundle packed into one fuzz input.
///
/// The bytes before the first marker are `cluster.json`. A marker is `00 00 'F' i`: the bytes
/// after it, up to the next marker, become file `files[i % files.count]` (a later record for the
/// same file wins). Names come only from this fixed table, so a mutated input can never write
/// outside the scratch directory.
public enum BundleContainer {
    public static let marker: [UInt8] = [0x00, 0x00, 0x46]

    public static let files: [String] = {
        var names = SourceKind.allCases.map(\.fileName) + ["collected.json"]
        names += Collector.standardKubernetesResources.map { "kubernetes/\($0).json" }
        // A kind the importer does not know, and a singular resource name.
        names += ["kubernetes/widgets.json", "kubernetes/pod.json"]
        return names
    }()

    public static func decode(_ data: Data) -> [String: Data] {
        let bytes = [UInt8](data)
        var result: [String: Data] = [:]
        var name = files[0]
        var start = 0
        var i = 0
        while i + marker.count < bytes.count {
            if bytes[i] == marker[0], bytes[i + 1] == marker[1], bytes[i + 2] == marker[2] {
                result[name] = Data(bytes[start..<i])
                name = files[Int(bytes[i + 3]) % files.count]
                i += marker.count + 1
                start = i
            } else {
                i += 1
            }
        }
        result[name] = Data(bytes[min(start, bytes.count)...])
        return result
    }

    public static func encode(_ files: [String: Data]) -> Data {
        var out = Data(files["cluster.json"] ?? Data())
        for (name, content) in files.sorted(by: { $0.key < $1.key }) where name != "cluster.json" {
            guard let index = self.files.firstIndex(of: name) else { continue }
            out.append(contentsOf: marker)
            out.append(UInt8(index))
            out.append(content)
        }
        return out
    }

    /// Reads a bundle directory (demo snapshot) into the container's file map.
    public static func read(bundle: URL) -> [String: Data] {
        var result: [String: Data] = [:]
        for name in files {
            if let data = FileManager.default.contents(atPath: bundle.appendingPathComponent(name).path) {
                result[name] = data
            }
        }
        return result
    }
}

/// A private scratch directory the bundle entry writes its files into, reused across inputs.
public final class BundleScratch: @unchecked Sendable {
    public struct ScratchError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The bundle directory handed to `BundleImporter`.
    public let bundle: URL
    public let root: URL
    // Used from one thread at a time (libFuzzer runs inputs serially); not shared.
    private var written: [String] = []

    public init(parent: URL? = nil) throws {
        let base = parent ?? BundleScratch.defaultParent()
        var template = Array(base.appendingPathComponent("aksposture-fuzz-XXXXXX").path.utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ScratchError(description: "mkdtemp in \(base.path) failed: \(String(cString: strerror(errno)))")
        }
        root = URL(fileURLWithPath: String(cString: made), isDirectory: true)
        bundle = root.appendingPathComponent("fuzz-bundle", isDirectory: true)
        guard mkdir(bundle.path, 0o700) == 0 else {
            throw ScratchError(description: "mkdir \(bundle.path) failed: \(String(cString: strerror(errno)))")
        }
    }

    /// tmpfs when available: a million bundle writes should not touch a disk.
    static func defaultParent() -> URL {
        if let env = ProcessInfo.processInfo.environment["AKSPOSTURE_FUZZ_SCRATCH"], !env.isEmpty {
            return URL(fileURLWithPath: env, isDirectory: true)
        }
        var st = stat()
        if stat("/dev/shm", &st) == 0, access("/dev/shm", W_OK) == 0 { return URL(fileURLWithPath: "/dev/shm", isDirectory: true) }
        return FileManager.default.temporaryDirectory
    }

    /// Replaces the previous input's files with `files`. Returns the number of files written.
    @discardableResult
    public func write(_ files: [String: Data]) throws -> Int {
        clear()
        for (name, content) in files {
            if name.hasPrefix("kubernetes/") { mkdir(bundle.appendingPathComponent("kubernetes").path, 0o700) }
            let path = bundle.appendingPathComponent(name).path
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            guard fd >= 0 else { throw ScratchError(description: "open \(path): \(String(cString: strerror(errno)))") }
            written.append(name)
            let ok = content.withUnsafeBytes { raw -> Bool in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 { if errno == EINTR { continue }; return false }
                    offset += n
                }
                return true
            }
            close(fd)
            guard ok else { throw ScratchError(description: "write \(path): \(String(cString: strerror(errno)))") }
        }
        return files.count
    }

    /// Replaces the previous input's files with one document, `fuzz-bundle/document.json`.
    public func writeDocument(_ data: Data) throws -> URL {
        try write(["document.json": data])
        return bundle.appendingPathComponent("document.json")
    }

    public func clear() {
        for name in written { unlink(bundle.appendingPathComponent(name).path) }
        written.removeAll(keepingCapacity: true)
        rmdir(bundle.appendingPathComponent("kubernetes").path)
    }

    deinit {
        clear()
        rmdir(bundle.path)
        rmdir(root.path)
    }
}
