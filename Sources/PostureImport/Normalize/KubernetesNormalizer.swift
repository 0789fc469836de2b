import Foundation
import PostureModel

/// Raw `kubectl get … -o json` objects → PostureModel Kubernetes values.
///
/// Values are never read into the model: Secret `data`/`stringData` and ConfigMap values are
/// reduced to key names (plus a credential-likeness flag), literal env values to variable names,
/// and the `kubectl.kubernetes.io/last-applied-configuration` annotation is dropped everywhere.
public enum KubernetesNormalizer {
    static let lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

    /// Resource names of the documented `kubectl get` command, in order, with their kinds.
    public static let standardResources: [(resource: String, kind: String)] = [
        ("namespaces", "Namespace"), ("serviceaccounts", "ServiceAccount"), ("pods", "Pod"),
        ("deployments", "Deployment"), ("replicasets", "ReplicaSet"), ("statefulsets", "StatefulSet"),
        ("daemonsets", "DaemonSet"), ("jobs", "Job"), ("cronjobs", "CronJob"), ("services", "Service"),
        ("ingresses", "Ingress"), ("networkpolicies", "NetworkPolicy"), ("roles", "Role"),
        ("rolebindings", "RoleBinding"), ("clusterroles", "ClusterRole"),
        ("clusterrolebindings", "ClusterRoleBinding"), ("secrets", "Secret"), ("configmaps", "ConfigMap"),
        ("secretproviderclasses", "SecretProviderClass"),
    ]

    public static var standardKinds: Set<String> { Set(standardResources.map(\.kind)) }

    private static let extraResourceNames: [String: String] = [
        "ns": "Namespace", "sa": "ServiceAccount", "po": "Pod", "deploy": "Deployment", "rs": "ReplicaSet",
        "sts": "StatefulSet", "ds": "DaemonSet", "cj": "CronJob", "svc": "Service", "ing": "Ingress",
        "netpol": "NetworkPolicy", "cm": "ConfigMap", "rc": "ReplicationController",
        "replicationcontrollers": "ReplicationController",
    ]

    /// The kind a `kubectl get <resource>` lists: `pods`, `pod`, `po`, `Pod` or
    /// `secretproviderclasses.secrets-store.csi.x-k8s.io` → the kind name; nil when unknown.
    public static func kind(forResource resource: String) -> String? {
        let name = resource.lowercased().split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
        if let hit = standardResources.first(where: { $0.resource == name }) { return hit.kind }
        if let hit = extraResourceNames[name] { return hit }
        // Singular forms and kind names: `pod`, `networkpolicy`, `Ingress`.
        if let hit = standardResources.first(where: { $0.kind.lowercased() == name }) { return hit.kind }
        if name == "replicationcontroller" { return "ReplicationController" }
        return nil
    }

    static let workloadKinds: Set<String> = [
        "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController",
    ]

    /// Adds one object (or the items of a nested List) to the inventory.
    /// `defaultKind` is used when the object has no `kind` (items of a typed list such as `ServiceList`).
    static func add(_ node: JSONNode, defaultKind: String?, into inv: inout KubernetesInventory) throws {
        guard node.isObject else {
            throw ImportError(file: node.document.file, path: node.path, message: "expected a Kubernetes object, found \(node.kindDescription)")
        }
        let f = try Fields(object: node)
        let kind = try f.string("kind") ?? defaultKind ?? ""
        if kind.isEmpty {
            throw ImportError(file: node.document.file, path: node.path(appending: "kind"), message: "missing required field 'kind'")
        }
        if kind.hasSuffix("List"), let items = f.value("items") {
            let itemKind = String(kind.dropLast(4))
            for item in try Fields.list(items) {
                try add(item, defaultKind: itemKind.isEmpty ? nil : itemKind, into: &inv)
            }
            return
        }
        inv.collectedKinds.insert(kind)
        switch kind {
        case "Namespace":
            var ns = KubeNamespace(meta: try meta(f))
            if let status = try f.object("status") { ns.phase = try status.string("phase") }
            inv.namespaces.append(ns)
        case "ServiceAccount":
            var sa = ServiceAccount(meta: try meta(f))
            sa.automountServiceAccountToken = try f.bool("automountServiceAccountToken")
            sa.secretNames = try references(f, "secrets")
            sa.imagePullSecretNames = try references(f, "imagePullSecrets")
            inv.serviceAccounts.append(sa)
        case _ where workloadKinds.contains(kind):
            inv.workloads.append(try workload(kind: kind, f))
        case "Service":
            inv.services.append(try service(f))
        case "Ingress":
            inv.ingresses.append(try ingress(f))
        case "NetworkPolicy":
            inv.networkPolicies.append(try networkPolicy(f))
        case "Role", "ClusterRole":
            var role = RBACRole(kind: kind, meta: try meta(f))
            role.rules = try (f.list("rules") ?? []).map(policyRule)
            role.isAggregated = f.has("aggregationRule")
            inv.roles.append(role)
        case "RoleBinding", "ClusterRoleBinding":
            inv.bindings.append(try binding(kind: kind, f))
        case "Secret":
            var secret = SecretMeta(meta: try meta(f), type: try f.string("type") ?? "Opaque")
            secret.keys = try keyNames(f, ["data", "stringData"])
            secret.immutable = try f.bool("immutable")
            inv.secrets.append(secret)
        case "ConfigMap":
            inv.configMaps.append(try configMap(f))
        case "SecretProviderClass":
            inv.secretProviderClasses.append(try secretProviderClass(f))
        default:
            inv.otherKindCounts[kind, default: 0] += 1
        }
    }

    // MARK: Metadata

    static func meta(_ f: Fields) throws -> ObjectMeta {
        guard let m = try f.object("metadata") else {
            throw ImportError(file: f.file, path: f.path + ".metadata", message: "missing required field 'metadata'")
        }
        let name: String
        if let n = try m.string("name"), !n.isEmpty {
            name = n
        } else if let generated = try m.string("generateName"), !generated.isEmpty {
            name = generated
        } else {
            throw ImportError(file: f.file, path: m.path + ".name", message: "missing required field 'name'")
        }
        var meta = ObjectMeta(name: name, namespace: try m.string("namespace"))
        meta.uid = try m.string("uid")
        meta.creationTimestamp = try m.string("creationTimestamp")
        meta.labels = try m.stringMap("labels") ?? [:]
        meta.annotations = try annotations(m)
        for item in try m.list("ownerReferences") ?? [] {
            let o = try Fields(object: item)
            meta.ownerReferences.append(OwnerRef(kind: try o.string("kind") ?? "", name: try o.string("name") ?? "",
                                                 controller: try o.bool("controller") ?? false))
        }
        return meta
    }

    /// Annotations without `last-applied-configuration` (it repeats the whole object, secret data included).
    static func annotations(_ m: Fields) throws -> [String: String] {
        guard let node = m.value("annotations") else { return [:] }
        guard node.isObject else { throw Fields.typeError(node, expected: "an object") }
        var out: [String: String] = [:]
        try node.forEachMember { k, v in
            if k.stringEquals(lastAppliedAnnotation) { return }
            let key = k.stringValue ?? ""
            switch v.kind {
            case .null: out[key] = ""
            case .string, .number, .bool: out[key] = try Fields.string(v)
            default: throw Fields.typeError(v, expected: "a string")
            }
        }
        return out
    }

    /// `[{"name": "x"}, …]` → names.
    static func references(_ f: Fields, _ key: String) throws -> [String] {
        try (f.list(key) ?? []).compactMap { item in
            item.kind == .string ? item.stringValue : try Fields(object: item).string("name")
        }
    }

    /// Sorted, distinct key names of map fields; values are never read.
    static func keyNames(_ f: Fields, _ keys: [String]) throws -> [String] {
        var names = Set<String>()
        for key in keys {
            guard let node = f.value(key) else { continue }
            guard node.isObject else { throw Fields.typeError(node, expected: "an object") }
            node.forEachMember { k, _ in names.insert(k.stringValue ?? "") }
        }
        return names.sorted()
    }

    // MARK: Workloads

    static func workload(kind: String, _ f: Fields) throws -> Workload {
        var w = Workload(kind: kind, meta: try meta(f))
        let spec = try f.object("spec")
        var podMeta: Fields?
        var podSpec: Fields?
        switch kind {
        case "Pod":
            podSpec = spec
            w.podLabels = w.meta.labels
            w.podAnnotations = w.meta.annotations
            if let status = try f.object("status") { w.phase = try status.string("phase") }
        case "CronJob":
            if let jobSpec = try spec?.object("jobTemplate")?.object("spec"), let template = try jobSpec.object("template") {
                podMeta = try template.object("metadata")
                podSpec = try template.object("spec")
            }
        default:
            w.replicas = try spec?.int("replicas")
            if let template = try spec?.object("template") {
                podMeta = try template.object("metadata")
                podSpec = try template.object("spec")
            }
        }
        if let podMeta {
            w.podLabels = try podMeta.stringMap("labels") ?? [:]
            w.podAnnotations = try annotations(podMeta)
        }
        guard let s = podSpec else { return w }
        w.serviceAccountName = try s.string("serviceAccountName") ?? s.string("serviceAccount")
        w.automountServiceAccountToken = try s.bool("automountServiceAccountToken")
        w.hostNetwork = try s.bool("hostNetwork") ?? false
        w.hostPID = try s.bool("hostPID") ?? false
        w.hostIPC = try s.bool("hostIPC") ?? false
        w.nodeName = try s.string("nodeName")
        if let sc = try s.object("securityContext") {
            w.podRunAsNonRoot = try sc.bool("runAsNonRoot")
            w.podRunAsUser = try sc.int("runAsUser")
        }
        w.volumes = try (s.list("volumes") ?? []).map(volume)
        for item in try s.list("initContainers") ?? [] { w.containers.append(try container(item, isInit: true)) }
        for item in try s.list("containers") ?? [] { w.containers.append(try container(item, isInit: false)) }
        return w
    }

    static func volume(_ node: JSONNode) throws -> Volume {
        let f = try Fields(object: node)
        let name = try f.string("name") ?? ""
        if let hp = try f.object("hostPath") {
            var v = Volume(name: name, source: .hostPath)
            v.hostPath = try hp.string("path")
            return v
        }
        if let secret = try f.object("secret") {
            var v = Volume(name: name, source: .secret)
            v.secretName = try secret.string("secretName")
            return v
        }
        if let cm = try f.object("configMap") {
            var v = Volume(name: name, source: .configMap)
            v.configMapName = try cm.string("name")
            return v
        }
        if let csi = try f.object("csi") {
            var v = Volume(name: name, source: .csi)
            v.csiDriver = try csi.string("driver")
            v.secretProviderClass = try csi.object("volumeAttributes")?.string("secretProviderClass")
            return v
        }
        if let projected = try f.object("projected") {
            var v = Volume(name: name, source: .projected)
            for source in try projected.list("sources") ?? [] {
                let sf = try Fields(object: source)
                if let secret = try sf.object("secret"), let secretName = try secret.string("name") {
                    v.projectedSecretNames.append(secretName)
                }
                if sf.has("serviceAccountToken") { v.projectsServiceAccountToken = true }
            }
            return v
        }
        if f.has("emptyDir") { return Volume(name: name, source: .emptyDir) }
        if f.has("persistentVolumeClaim") { return Volume(name: name, source: .persistentVolumeClaim) }
        if f.has("downwardAPI") { return Volume(name: name, source: .downwardAPI) }
        return Volume(name: name, source: .other)
    }

    static func container(_ node: JSONNode, isInit: Bool) throws -> Container {
        let f = try Fields(object: node)
        var c = Container(name: try f.string("name") ?? "", image: try f.string("image") ?? "", isInit: isInit)
        if let sc = try f.object("securityContext") {
            c.privileged = try sc.bool("privileged")
            c.allowPrivilegeEscalation = try sc.bool("allowPrivilegeEscalation")
            c.runAsNonRoot = try sc.bool("runAsNonRoot")
            c.runAsUser = try sc.int("runAsUser")
            c.readOnlyRootFilesystem = try sc.bool("readOnlyRootFilesystem")
            c.addedCapabilities = try sc.object("capabilities")?.strings("add") ?? []
        }
        for item in try f.list("ports") ?? [] {
            let p = try Fields(object: item)
            c.ports.append(ContainerPort(name: try p.string("name"), containerPort: try p.int("containerPort"),
                                         hostPort: try p.int("hostPort"), protocol: try p.string("protocol")))
        }
        for item in try f.list("env") ?? [] {
            let e = try Fields(object: item)
            let name = try e.string("name") ?? ""
            if let from = try e.object("valueFrom") {
                if let ref = try from.object("secretKeyRef") {
                    c.secretEnv.append(SecretEnvRef(variable: name, secretName: try ref.string("name") ?? "", key: try ref.string("key")))
                } else if from.has("configMapKeyRef") {
                    c.configMapEnvNames.append(name)
                }
                continue
            }
            // The literal value is inspected here and then dropped.
            let value = try e.string("value") ?? ""
            c.literalEnvNames.append(name)
            if CredentialHeuristics.isCredentialLike(name: name, value: value) { c.credentialLikeEnvNames.append(name) }
        }
        for item in try f.list("envFrom") ?? [] {
            let e = try Fields(object: item)
            if let ref = try e.object("secretRef") {
                c.secretEnv.append(SecretEnvRef(variable: nil, secretName: try ref.string("name") ?? "", key: nil))
            }
        }
        return c
    }

    // MARK: Network objects

    static func loadBalancerIngress(_ f: Fields) throws -> [String] {
        guard let lb = try f.object("status")?.object("loadBalancer") else { return [] }
        return try (lb.list("ingress") ?? []).compactMap { item in
            let i = try Fields(object: item)
            return try i.string("ip") ?? i.string("hostname")
        }
    }

    static func service(_ f: Fields) throws -> KubeService {
        let spec = try f.object("spec")
        var s = KubeService(meta: try meta(f), type: try spec?.string("type") ?? "ClusterIP")
        if let spec {
            s.clusterIP = try spec.string("clusterIP")
            s.externalIPs = try spec.strings("externalIPs") ?? []
            s.loadBalancerSourceRanges = try spec.strings("loadBalancerSourceRanges") ?? []
            s.selector = try spec.stringMap("selector") ?? [:]
            for item in try spec.list("ports") ?? [] {
                let p = try Fields(object: item)
                s.ports.append(ServicePort(name: try p.string("name"), port: try p.int("port"), targetPort: try p.string("targetPort"),
                                           nodePort: try p.int("nodePort"), protocol: try p.string("protocol")))
            }
        }
        s.loadBalancerIngress = try loadBalancerIngress(f)
        return s
    }

    /// `networking.k8s.io/v1` and the legacy `extensions/v1beta1` share the rules/tls shape.
    static func ingress(_ f: Fields) throws -> Ingress {
        var i = Ingress(meta: try meta(f))
        i.ingressClassName = i.meta.annotations["kubernetes.io/ingress.class"]
        if let spec = try f.object("spec") {
            i.ingressClassName = try spec.string("ingressClassName") ?? i.ingressClassName
            for rule in try spec.list("rules") ?? [] {
                i.ruleHosts.append(try Fields(object: rule).string("host") ?? "")
            }
            let tls = try spec.list("tls") ?? []
            for entry in tls {
                let t = try Fields(object: entry)
                i.tlsHosts += try t.strings("hosts") ?? []
                if let secret = try t.string("secretName") { i.tlsSecretNames.append(secret) }
            }
            i.hasTLS = !tls.isEmpty
        }
        i.loadBalancerIngress = try loadBalancerIngress(f)
        return i
    }

    static func networkPolicy(_ f: Fields) throws -> NetworkPolicy {
        var p = NetworkPolicy(meta: try meta(f))
        guard let spec = try f.object("spec") else { return p }
        let selector = try spec.object("podSelector")
        p.podSelector = try selector?.stringMap("matchLabels") ?? [:]
        let expressions = try selector?.count("matchExpressions") ?? 0
        p.selectsAllPods = p.podSelector.isEmpty && expressions == 0
        let ingress = try spec.list("ingress")
        let egress = try spec.list("egress")
        p.ingressRuleCount = ingress?.count ?? 0
        p.egressRuleCount = egress?.count ?? 0
        // A rule without peers admits every source (or destination), whatever its ports.
        p.allowsAllIngress = try (ingress ?? []).contains { try (Fields(object: $0).count("from") ?? 0) == 0 }
        p.allowsAllEgress = try (egress ?? []).contains { try (Fields(object: $0).count("to") ?? 0) == 0 }
        if let types = try spec.strings("policyTypes"), !types.isEmpty {
            p.policyTypes = types
        } else {
            p.policyTypes = ["Ingress"] + (egress != nil ? ["Egress"] : [])
        }
        return p
    }

    // MARK: RBAC

    static func policyRule(_ node: JSONNode) throws -> PolicyRule {
        let r = try Fields(object: node)
        return PolicyRule(apiGroups: try r.strings("apiGroups") ?? [], resources: try r.strings("resources") ?? [],
                          verbs: try r.strings("verbs") ?? [], resourceNames: try r.strings("resourceNames") ?? [],
                          nonResourceURLs: try r.strings("nonResourceURLs") ?? [])
    }

    static func binding(kind: String, _ f: Fields) throws -> RBACBinding {
        let m = try meta(f)
        guard let ref = try f.object("roleRef") else {
            throw ImportError(file: f.file, path: f.path + ".roleRef", message: "missing required field 'roleRef'")
        }
        var b = RBACBinding(kind: kind, meta: m, roleRefKind: try ref.string("kind") ?? "", roleRefName: try ref.requiredString("name"))
        for item in try f.list("subjects") ?? [] {
            let s = try Fields(object: item)
            b.subjects.append(RBACSubject(kind: try s.string("kind") ?? "", name: try s.string("name") ?? "", namespace: try s.string("namespace")))
        }
        return b
    }

    // MARK: Configuration objects

    static func configMap(_ f: Fields) throws -> ConfigMapMeta {
        var cm = ConfigMapMeta(meta: try meta(f))
        cm.keys = try keyNames(f, ["data", "binaryData"])
        var flagged = Set<String>()
        if let data = f.value("data") {
            // Each value is inspected here and then dropped.
            try data.forEachMember { k, v in
                let key = k.stringValue ?? ""
                let value = v.isNull ? "" : try Fields.string(v)
                if CredentialHeuristics.isCredentialLike(name: key, value: value) { flagged.insert(key) }
            }
        }
        if let binary = f.value("binaryData") {
            binary.forEachMember { k, v in
                let key = k.stringValue ?? ""
                if !v.isNull, v.stringValue != "", CredentialHeuristics.nameLooksLikeCredential(key) { flagged.insert(key) }
            }
        }
        cm.credentialLikeKeys = flagged.sorted()
        return cm
    }

    static func secretProviderClass(_ f: Fields) throws -> SecretProviderClass {
        var spc = SecretProviderClass(meta: try meta(f))
        guard let spec = try f.object("spec") else { return spc }
        spc.provider = try spec.string("provider")
        if let p = try spec.object("parameters") {
            spc.keyvaultName = try p.string("keyvaultName")
            spc.tenantID = try p.string("tenantId")
            spc.clientID = try p.string("clientID") ?? p.string("userAssignedIdentityID")
            spc.usePodIdentity = try p.bool("usePodIdentity")
            spc.useVMManagedIdentity = try p.bool("useVMManagedIdentity")
            if let objects = try p.string("objects") { spc.objectNames = objectNames(inObjectsParameter: objects) }
        }
        for item in try spec.list("secretObjects") ?? [] {
            if let name = try Fields(object: item).string("secretName") { spc.syncedSecretNames.append(name) }
        }
        return spc
    }

    /// `parameters.objects` is a YAML document in a string (`array: [- | objectName: x …]`); the
    /// names are the values of `objectName:` lines. A line scanner is enough and keeps YAML out
    /// of this module.
    public static func objectNames(inObjectsParameter text: String) -> [String] {
        var names: [String] = []
        for raw in text.split(whereSeparator: \.isNewline) {
            var line = Substring(raw).drop { $0 == " " || $0 == "\t" }
            while line.hasPrefix("-") || line.hasPrefix("|") {
                line = line.dropFirst().drop { $0 == " " || $0 == "\t" }
            }
            guard line.hasPrefix("objectName:") else { continue }
            var value = line.dropFirst("objectName:".count)
            if let hash = value.range(of: " #") { value = value[..<hash.lowerBound] }
            var trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.count >= 2, let first = trimmed.first, let last = trimmed.last, first == last, first == "\"" || first == "'" {
                trimmed = String(trimmed.dropFirst().dropLast())
            }
            if !trimmed.isEmpty { names.append(trimmed) }
        }
        return names
    }
}
