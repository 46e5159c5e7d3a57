//! Names by which ledgers call products, beyond endoflife.date's id, title and CPE names.
//! Only aliases of products present in an index are used: a product absent from the data is
//! never suggested.

/// (product id, extra names). Each name is folded and tokenized like ledger text.
pub(crate) const ALIASES: &[(&str, &[&str])] = &[
    ("windows", &["windows", "win", "microsoft windows"]),
    (
        "windows-server",
        &[
            "windows server",
            "win server",
            "windowsserver",
            "winserver",
            "win svr",
        ],
    ),
    (
        "windows-server-core",
        &["windows server core", "server core"],
    ),
    (
        "rhel",
        &[
            "rhel",
            "red hat enterprise linux",
            "redhat enterprise linux",
            "red hat enterprise",
        ],
    ),
    ("centos", &["centos", "centos linux"]),
    ("centos-stream", &["centos stream"]),
    ("ubuntu", &["ubuntu", "ubuntu linux", "ubuntu server"]),
    ("debian", &["debian", "debian gnu linux"]),
    (
        "sles",
        &[
            "sles",
            "suse linux enterprise server",
            "suse linux enterprise",
            "suse enterprise",
        ],
    ),
    ("oracle-linux", &["oracle linux", "oracle enterprise linux"]),
    ("almalinux", &["almalinux", "alma linux"]),
    ("rocky-linux", &["rocky linux", "rockylinux"]),
    ("amazon-linux", &["amazon linux"]),
    ("fortios", &["fortios", "fortigate", "fortiwifi"]),
    ("pan-os", &["pan os", "panos"]),
    ("cisco-ios-xe", &["ios xe", "iosxe", "cisco ios xe"]),
    (
        "vmware-esxi",
        &["esxi", "vmware esxi", "vsphere esxi", "vsphere hypervisor"],
    ),
    ("vmware-vcenter", &["vcenter", "vcenter server", "vcsa"]),
    ("omnissa-horizon", &["horizon", "vmware horizon"]),
    (
        "mssqlserver",
        &["sql server", "mssql", "microsoft sql server"],
    ),
    ("msexchange", &["exchange", "exchange server"]),
    ("sharepoint", &["sharepoint", "sharepoint server"]),
    ("office", &["office", "ms office", "microsoft office"]),
    ("macos", &["macos", "mac os", "mac os x", "os x", "osx"]),
    ("big-ip", &["big ip", "bigip", "f5 big ip"]),
    ("routeros", &["routeros", "mikrotik routeros"]),
    ("proxmox-ve", &["proxmox", "proxmox ve"]),
    (
        "apache-http-server",
        &["apache httpd", "httpd", "apache http server"],
    ),
    ("internet-explorer", &["internet explorer"]),
    ("netapp-ontap", &["ontap", "data ontap"]),
    ("nutanix-aos", &["nutanix aos"]),
    (
        "citrix-vad",
        &["citrix virtual apps", "xenapp", "xendesktop"],
    ),
    ("oracle-database", &["oracle database", "oracle db"]),
    ("ibm-db2", &["db2"]),
    (
        "veeam-backup-and-replication",
        &["veeam backup", "veeam backup and replication"],
    ),
];

/// Software vendors: a title starting with one has an alias without it (`Apple iOS` →
/// `ios`), and one right before a one-word alias of another vendor's product rules that match
/// out (`Cisco IOS 15` is not Apple iOS). Hardware vendors are left out on purpose: their
/// names precede OEM images of others' systems (`HPE ESXi 7.0`, `Dell Windows Server`).
pub(crate) const VENDORS: &[&str] = &[
    "microsoft",
    "apple",
    "google",
    "oracle",
    "ibm",
    "red hat",
    "vmware",
    "cisco",
    "palo alto networks",
    "suse",
    "amazon",
    "apache",
    "eclipse",
    "azul",
    "nvidia",
    "intel",
    "veeam",
    "netapp",
    "nutanix",
    "omnissa",
    "citrix",
    "proxmox",
    "fortinet",
    "canonical",
    "mikrotik",
    "f5",
    "yamaha",
    "synology",
    "qnap",
    "juniper",
    "sonicwall",
    "ivanti",
];

/// Words too generic to be a product's name alone (`Oracle Linux` gives no alias `linux`).
pub(crate) const GENERIC: &[&str] = &[
    "linux",
    "server",
    "enterprise",
    "database",
    "driver",
    "processors",
    "jdk",
    "openjdk",
    "one",
    "net",
    "os",
    "ve",
    "app",
    "apps",
    "build",
    "platform",
    "framework",
    "http",
    "kernel",
    "stream",
];

/// (product id, words, replacement) applied to the words after a product name: Windows'
/// long-term editions are sold by year, endoflife.date names their cycles by version.
pub(crate) const REWRITES: &[(&str, &[&str], &[&str])] = &[
    ("windows", &["ltsb", "2015"], &["ltsb", "1507"]),
    ("windows", &["ltsb", "2016"], &["ltsb", "1607"]),
    ("windows", &["ltsc", "2019"], &["ltsc", "1809"]),
    ("windows", &["ltsc", "2021"], &["ltsc", "21h2"]),
    ("windows", &["ltsc", "2024"], &["ltsc", "24h2"]),
];
