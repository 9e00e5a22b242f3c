/**
 * Deep copies of parse trees, Go 1.19 text/template/parse/node.go's Copy methods: the
 * escaper escapes a copy of a template for each context it is called in, and Clone copies
 * every tree so that escaping the clone leaves the original alone. Copies keep the tree
 * reference of the original nodes, as Go's do, so error positions still name the source.
 */
import {
  ActionNode,
  BoolNode,
  BranchNode,
  ChainNode,
  CommandNode,
  CommentNode,
  FieldNode,
  IdentifierNode,
  JumpNode,
  ListNode,
  NodeType,
  NumberNode,
  PipeNode,
  StringNode,
  TemplateNode,
  TextNode,
  Tree,
  VariableNode,
  WordNode,
} from '../go/index.js'
import type { BranchType, Node } from '../go/index.js'

/**
 * copyList deep-copies a list node (Go's ListNode.CopyList).
 *
 * @param l - the list.
 * @returns the copy.
 */
export function copyList(l: ListNode): ListNode {
  const n = new ListNode(l.tr, l.pos)
  for (const c of l.nodes) {
    n.nodes.push(copyNode(c))
  }
  return n
}

/**
 * copyPipe deep-copies a pipeline (Go's PipeNode.CopyPipe).
 *
 * @param p - the pipeline.
 * @returns the copy.
 */
export function copyPipe(p: PipeNode): PipeNode {
  const n = new PipeNode(p.tr, p.pos, p.line)
  n.isAssign = p.isAssign
  for (const d of p.decl) {
    n.decl.push(copyNode(d) as VariableNode)
  }
  for (const c of p.cmds) {
    n.cmds.push(copyNode(c) as CommandNode)
  }
  return n
}

function copyOptList(l: ListNode | undefined): ListNode | undefined {
  return l === undefined ? undefined : copyList(l)
}

/**
 * copyBranch deep-copies an if, range or with (Go's IfNode.Copy, RangeNode.Copy, WithNode.Copy).
 *
 * @param n - the node.
 * @returns the copy, of the same type.
 */
function copyBranch<T extends BranchType>(n: BranchNode<T>): BranchNode<T> {
  const elseList = copyOptList(n.elseList)
  return new BranchNode(n.type, n.tr, n.pos, n.line, copyPipe(n.pipe), copyList(n.list), elseList)
}

/**
 * copyNode deep-copies any node (Go's Node.Copy).
 *
 * @param n - the node.
 * @returns the copy.
 */
export function copyNode(n: Node): Node {
  switch (n.type) {
    case NodeType.List:
      return copyList(n)
    case NodeType.Text:
      return new TextNode(n.tr, n.pos, n.text)
    case NodeType.Comment:
      return new CommentNode(n.tr, n.pos, n.text)
    case NodeType.Pipe:
      return copyPipe(n)
    case NodeType.Action:
      return new ActionNode(n.tr, n.pos, n.line, copyPipe(n.pipe))
    case NodeType.Command: {
      const c = new CommandNode(n.tr, n.pos)
      for (const a of n.args) {
        c.args.push(copyNode(a))
      }
      return c
    }
    case NodeType.Identifier:
      return new IdentifierNode(n.tr, n.pos, n.ident)
    case NodeType.Variable:
      return new VariableNode(n.tr, n.pos, n.ident.join('.'))
    case NodeType.Dot:
      return new WordNode(NodeType.Dot, n.tr, n.pos)
    case NodeType.Nil:
      return new WordNode(NodeType.Nil, n.tr, n.pos)
    case NodeType.Field:
      return new FieldNode(n.tr, n.pos, n.toString())
    case NodeType.Chain: {
      const c = new ChainNode(n.tr, n.pos, copyNode(n.node))
      for (const f of n.field) {
        c.add(`.${f}`)
      }
      return c
    }
    case NodeType.Bool:
      return new BoolNode(n.tr, n.pos, n.value)
    case NodeType.Number: {
      const c = new NumberNode(n.tr, n.pos, n.text)
      c.isInt = n.isInt
      c.isUint = n.isUint
      c.isFloat = n.isFloat
      c.isComplex = n.isComplex
      c.int64 = n.int64
      c.uint64 = n.uint64
      c.float64 = n.float64
      return c
    }
    case NodeType.String:
      return new StringNode(n.tr, n.pos, n.quoted, n.text)
    case NodeType.End:
      return new WordNode(NodeType.End, n.tr, n.pos)
    case NodeType.Else:
      return new WordNode(NodeType.Else, n.tr, n.pos)
    case NodeType.If:
      return copyBranch(n)
    case NodeType.Range:
      return copyBranch(n)
    case NodeType.With:
      return copyBranch(n)
    case NodeType.Template:
      return new TemplateNode(
        n.tr,
        n.pos,
        n.line,
        n.name,
        n.pipe === undefined ? undefined : copyPipe(n.pipe)
      )
    case NodeType.Break:
      return new JumpNode(NodeType.Break, n.tr, n.pos, n.line)
    case NodeType.Continue:
      return new JumpNode(NodeType.Continue, n.tr, n.pos, n.line)
  }
}

/**
 * copyTree returns a tree with the same name, text and a deep copy of the nodes (Go's
 * Tree.Copy).
 *
 * @param t - the tree.
 * @returns the copy.
 */
export function copyTree(t: Tree): Tree {
  const c = new Tree(t.name)
  c.parseName = t.parseName
  c.text = t.text
  c.mode = t.mode
  c.root = t.root === undefined ? undefined : copyList(t.root)
  return c
}
