//! A parsed document as a compact arena of nodes, each with its source offset.
//!
//! YAML and JSON both parse into this one shape, so every rule works on either
//! and every finding can point at `file:line:column`. Nodes live in flat
//! vectors (no per-node allocation, no recursion to drop), which keeps a 4 MB
//! spec at a few tens of megabytes and makes parsing close to the speed of the
//! underlying scanner.

/// Index of a node inside one [`Tree`].
pub type NodeId = u32;

/// What a node holds. Containers point into [`Tree`]'s child tables.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// `null`, `~` or an empty YAML value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, kept as its source text (exact for int64 and decimals).
    Number(Text),
    /// A string (decoded: escapes resolved, block scalars folded).
    String(Text),
    /// A sequence: `len` children starting at `first` in the item table.
    Seq { first: u32, len: u32 },
    /// A mapping: `len` entries starting at `first` in the entry table.
    Map { first: u32, len: u32 },
}

/// A slice of the tree's string buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    start: u32,
    len: u32,
}

/// One node: its kind, where it starts in the source, and its parent.
#[derive(Debug, Clone, Copy)]
pub struct Node {
    /// The value.
    pub kind: Kind,
    /// Byte offset of the value's first character in the source.
    pub offset: u32,
    /// The containing node (the root is its own parent).
    pub parent: NodeId,
    /// Position among the parent's entries or items (finds the key fast).
    pub slot: u32,
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// The key, always as text (YAML `200:` becomes `"200"`).
    pub key: Text,
    /// Byte offset of the key in the source.
    pub key_offset: u32,
    /// The value node.
    pub value: NodeId,
}

/// A whole parsed document.
///
/// ```
/// use threeam_spec::tree::Tree;
/// let tree = threeam_spec::parse::json::parse(r#"{"openapi": "3.0.3"}"#).unwrap();
/// let version = tree.get(tree.root(), "openapi").and_then(|n| tree.as_str(n));
/// assert_eq!(version, Some("3.0.3"));
/// ```
#[derive(Debug, Default)]
pub struct Tree {
    nodes: Vec<Node>,
    items: Vec<NodeId>,
    entries: Vec<Entry>,
    text: String,
}

impl Tree {
    /// A tree holding a single `null` (stands in for a file that did not parse).
    pub fn null() -> Tree {
        Tree {
            nodes: vec![Node {
                kind: Kind::Null,
                offset: 0,
                parent: 0,
                slot: 0,
            }],
            ..Tree::default()
        }
    }

    /// The document's root node.
    pub fn root(&self) -> NodeId {
        0
    }

    /// Number of nodes (a measure of size for limits and tests).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the tree has no nodes (never true for a parsed document).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// The text behind a [`Text`] handle.
    pub fn text(&self, t: Text) -> &str {
        &self.text[t.start as usize..(t.start + t.len) as usize]
    }

    /// The string value of a node, if it is a string.
    pub fn as_str(&self, id: NodeId) -> Option<&str> {
        match self.node(id).kind {
            Kind::String(t) => Some(self.text(t)),
            _ => None,
        }
    }

    /// The scalar text of a string or number node (`200` and `"200"` alike).
    pub fn scalar_text(&self, id: NodeId) -> Option<&str> {
        match self.node(id).kind {
            Kind::String(t) | Kind::Number(t) => Some(self.text(t)),
            _ => None,
        }
    }

    /// The boolean value of a node, if it is a boolean.
    pub fn as_bool(&self, id: NodeId) -> Option<bool> {
        match self.node(id).kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The entries of a mapping (empty for any other kind).
    pub fn entries(&self, id: NodeId) -> &[Entry] {
        match self.node(id).kind {
            Kind::Map { first, len } => &self.entries[first as usize..(first + len) as usize],
            _ => &[],
        }
    }

    /// The items of a sequence (empty for any other kind).
    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match self.node(id).kind {
            Kind::Seq { first, len } => &self.items[first as usize..(first + len) as usize],
            _ => &[],
        }
    }

    /// True for mappings.
    pub fn is_map(&self, id: NodeId) -> bool {
        matches!(self.node(id).kind, Kind::Map { .. })
    }

    /// The value under `key` in a mapping (the last one, if a key repeats).
    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.entry(id, key).map(|e| e.value)
    }

    /// The entry under `key` in a mapping (the last one, if a key repeats).
    pub fn entry(&self, id: NodeId, key: &str) -> Option<&Entry> {
        self.entries(id)
            .iter()
            .rev()
            .find(|e| self.text(e.key) == key)
    }

    /// True when any mapping in the document has `key` among its keys (a
    /// scan of the flat entry table, cheaper than a walk).
    ///
    /// ```
    /// let t = threeam_spec::parse::json::parse(r#"{"a": {"b": 1}}"#).unwrap();
    /// assert!(t.has_key("b"));
    /// assert!(!t.has_key("c"));
    /// ```
    pub fn has_key(&self, key: &str) -> bool {
        self.entries.iter().any(|e| self.text(e.key) == key)
    }

    /// The key under which `child` sits in its parent mapping, or its index in
    /// a parent sequence, as a JSON-pointer segment (unescaped).
    pub fn segment_of(&self, child: NodeId) -> Option<String> {
        let parent = self.node(child).parent;
        if parent == child {
            return None;
        }
        let slot = self.node(child).slot as usize;
        match self.node(parent).kind {
            Kind::Map { .. } => self
                .entries(parent)
                .get(slot)
                .map(|e| self.text(e.key).to_owned()),
            Kind::Seq { .. } => Some(slot.to_string()),
            _ => None,
        }
    }

    /// The JSON pointer of a node, e.g. `#/paths/~1v1~1payments/post`.
    pub fn pointer(&self, id: NodeId) -> String {
        // Segments borrowed from the tree (or an index), written once at the end:
        // findings are placed by the thousand on big specs.
        enum Seg<'t> {
            Key(&'t str),
            Index(u32),
        }
        let mut segments = Vec::new();
        let mut cur = id;
        // Bounded by the depth limit enforced at parse time.
        loop {
            let node = self.node(cur);
            if node.parent == cur {
                break;
            }
            match self.node(node.parent).kind {
                Kind::Map { .. } => match self.entries(node.parent).get(node.slot as usize) {
                    Some(e) => segments.push(Seg::Key(self.text(e.key))),
                    None => break,
                },
                Kind::Seq { .. } => segments.push(Seg::Index(node.slot)),
                _ => break,
            }
            cur = node.parent;
        }
        let mut out = String::with_capacity(64);
        out.push('#');
        for seg in segments.iter().rev() {
            out.push('/');
            match seg {
                Seg::Key(k) if k.contains(['~', '/']) => out.push_str(&crate::pointer::escape(k)),
                Seg::Key(k) => out.push_str(k),
                Seg::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    /// Move every position `by` bytes later (the text was parsed without a
    /// prefix, such as a byte order mark, that the source still has).
    pub(crate) fn shift_offsets(&mut self, by: u32) {
        for node in &mut self.nodes {
            node.offset += by;
        }
        for entry in &mut self.entries {
            entry.key_offset += by;
        }
    }

    /// Where a finding about this node should point: at its key when it is
    /// a mapping value (that is where the reader's eye goes), else at itself.
    pub fn report_offset(&self, id: NodeId) -> u32 {
        let node = self.node(id);
        if node.parent != id {
            if let Some(e) = self.entries(node.parent).get(node.slot as usize) {
                return e.key_offset;
            }
        }
        node.offset
    }
}

/// Builds a [`Tree`] from a stream of begin/end and scalar events, in
/// document order, without recursion.
#[derive(Debug, Default)]
pub struct Builder {
    tree: Tree,
    /// Open containers: node id and where their pending children begin.
    open: Vec<Open>,
    pending_items: Vec<NodeId>,
    pending_entries: Vec<Entry>,
    /// A key read but not yet paired with its value.
    key: Option<(Text, u32)>,
}

#[derive(Debug)]
struct Open {
    id: NodeId,
    is_map: bool,
    mark: usize,
    /// For a map: the key this container waits to pair with, saved when
    /// the container began (the builder's `key` is reused inside it).
    key_in_parent: Option<(Text, u32)>,
}

/// What went wrong while building (mapped to a parse finding by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// Nesting went past the limit.
    TooDeep(usize),
    /// A mapping key was itself a mapping or sequence.
    ComplexKey,
}

impl Builder {
    /// A builder sized for roughly `source_len` bytes of input.
    pub fn with_capacity(source_len: usize) -> Self {
        // One node per ~20 bytes of spec is typical of pretty-printed OpenAPI.
        let nodes = source_len / 20 + 16;
        Builder {
            tree: Tree {
                nodes: Vec::with_capacity(nodes),
                items: Vec::with_capacity(nodes / 4),
                entries: Vec::with_capacity(nodes),
                // Decoded strings are most of a spec: reserve the source size.
                text: String::with_capacity(source_len),
            },
            ..Builder::default()
        }
    }

    /// The innermost open container, if any.
    pub fn innermost(&self) -> Option<NodeId> {
        self.open.last().map(|o| o.id)
    }

    /// Current nesting depth.
    pub fn depth(&self) -> usize {
        self.open.len()
    }

    /// True when the next event in a mapping is a key.
    pub fn expects_key(&self) -> bool {
        matches!(self.open.last(), Some(o) if o.is_map) && self.key.is_none()
    }

    /// Store text in the buffer.
    pub fn intern(&mut self, s: &str) -> Text {
        let start = self.tree.text.len() as u32;
        self.tree.text.push_str(s);
        Text {
            start,
            len: s.len() as u32,
        }
    }

    /// Append a raw character to the buffer (used by the JSON string decoder).
    pub fn text_buffer(&mut self) -> &mut String {
        &mut self.tree.text
    }

    /// Close a run of text appended with [`Builder::text_buffer`].
    pub fn text_since(&self, start: usize) -> Text {
        Text {
            start: start as u32,
            len: (self.tree.text.len() - start) as u32,
        }
    }

    /// A block mapping's start mark sits at the `:` after its first key;
    /// where the mapping has no key of its own (the document root, a list
    /// item), findings about it should point at its first character. Call
    /// this with each key's offset: the first one moves the start back.
    pub fn first_key_at(&mut self, offset: u32) {
        if let Some(open) = self.open.last() {
            if open.is_map && self.pending_entries.len() == open.mark {
                let node = &mut self.tree.nodes[open.id as usize];
                node.offset = node.offset.min(offset);
            }
        }
    }

    /// Record a mapping key.
    pub fn key(&mut self, key: Text, offset: u32) {
        self.key = Some((key, offset));
    }

    /// Add a scalar value.
    pub fn scalar(&mut self, kind: Kind, offset: u32) -> NodeId {
        let id = self.push_node(kind, offset);
        self.attach(id);
        id
    }

    /// Start a container; `limit` bounds the nesting depth.
    pub fn begin(&mut self, is_map: bool, offset: u32, limit: usize) -> Result<NodeId, BuildError> {
        if self.open.len() >= limit {
            return Err(BuildError::TooDeep(limit));
        }
        let kind = if is_map {
            Kind::Map { first: 0, len: 0 }
        } else {
            Kind::Seq { first: 0, len: 0 }
        };
        let id = self.push_node(kind, offset);
        let key_in_parent = self.key.take();
        let mark = if is_map {
            self.pending_entries.len()
        } else {
            self.pending_items.len()
        };
        self.open.push(Open {
            id,
            is_map,
            mark,
            key_in_parent,
        });
        Ok(id)
    }

    /// Close the innermost container.
    pub fn end(&mut self) {
        let Some(open) = self.open.pop() else { return };
        let kind = if open.is_map {
            let first = self.tree.entries.len() as u32;
            self.tree
                .entries
                .extend(self.pending_entries.drain(open.mark..));
            let len = self.tree.entries.len() as u32 - first;
            Kind::Map { first, len }
        } else {
            let first = self.tree.items.len() as u32;
            self.tree
                .items
                .extend(self.pending_items.drain(open.mark..));
            let len = self.tree.items.len() as u32 - first;
            Kind::Seq { first, len }
        };
        self.tree.nodes[open.id as usize].kind = kind;
        self.key = open.key_in_parent;
        self.attach(open.id);
    }

    /// Reuse an already built node at the current position (YAML aliases):
    /// the tree becomes a DAG, never a copy, so alias bombs cost nothing.
    pub fn alias(&mut self, id: NodeId) {
        self.attach(id);
    }

    /// The finished tree.
    pub fn finish(self) -> Tree {
        self.tree
    }

    /// Read access while building (for alias size accounting).
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    fn push_node(&mut self, kind: Kind, offset: u32) -> NodeId {
        let id = self.tree.nodes.len() as NodeId;
        let parent = self.open.last().map_or(id, |o| o.id);
        self.tree.nodes.push(Node {
            kind,
            offset,
            parent,
            slot: 0,
        });
        id
    }

    fn attach(&mut self, id: NodeId) {
        let Some(open) = self.open.last() else { return };
        // An alias is attached under a second parent; its slot stays the original's.
        if self.tree.nodes[id as usize].parent == open.id {
            let pending = if open.is_map {
                self.pending_entries.len()
            } else {
                self.pending_items.len()
            };
            self.tree.nodes[id as usize].slot = (pending - open.mark) as u32;
        }
        if open.is_map {
            if let Some((key, key_offset)) = self.key.take() {
                self.pending_entries.push(Entry {
                    key,
                    key_offset,
                    value: id,
                });
            }
        } else {
            self.pending_items.push(id);
        }
    }
}
