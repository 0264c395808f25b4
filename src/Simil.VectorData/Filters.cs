using System.Linq.Expressions;

namespace Simil.VectorData;

/// <summary>
/// MEVD filters compiled to run over materialised records. A comparison of two <c>object</c>s
/// (a dynamic record's <c>r["Name"] == value</c>) is reference equality in C#, which a database
/// never means: it is rewritten to <see cref="object.Equals(object, object)"/>, so a value read back
/// from the files equals the same value given in the filter.
/// </summary>
static class Filters
{
    /// <summary>Compiles <paramref name="filter"/>; a dynamic record's <c>r["Name"]</c> must name one of <paramref name="properties"/>.</summary>
    /// <exception cref="InvalidOperationException">The filter reads a property the collection does not have.</exception>
    public static Func<TRecord, bool> Compile<TRecord>(Expression<Func<TRecord, bool>> filter, IReadOnlySet<string> properties) =>
        ((Expression<Func<TRecord, bool>>)new ValueEquality(properties).Visit(filter)).Compile();

    sealed class ValueEquality(IReadOnlySet<string> properties) : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Object?.Type == typeof(Dictionary<string, object?>) && node.Method.Name == "get_Item"
                && node.Arguments[0] is ConstantExpression { Value: string name } && !properties.Contains(name))
                throw new InvalidOperationException($"the filter reads property '{name}', which the collection does not have");
            return base.VisitMethodCall(node);
        }

        static readonly System.Reflection.MethodInfo s_equals = typeof(object).GetMethod(nameof(Equals), [typeof(object), typeof(object)])!;

        protected override Expression VisitBinary(BinaryExpression node)
        {
            if (node.NodeType is ExpressionType.Equal or ExpressionType.NotEqual
                && node.Method is null && (node.Left.Type == typeof(object) || node.Right.Type == typeof(object))
                && !node.Left.Type.IsValueType && !node.Right.Type.IsValueType)
            {
                Expression equals = Expression.Call(s_equals, Visit(node.Left), Visit(node.Right));
                return node.NodeType == ExpressionType.Equal ? equals : Expression.Not(equals);
            }
            return base.VisitBinary(node);
        }
    }
}
