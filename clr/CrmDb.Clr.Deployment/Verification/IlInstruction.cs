using System.Reflection.Metadata;

namespace CrmDb.Clr.Deployment.Verification;

/// <summary>One IL instruction of a method body: its opcode and, for token operands, the token.</summary>
internal readonly record struct IlInstruction(ILOpCode OpCode, int Token)
{
    /// <summary>
    /// The instructions of <paramref name="il"/> (ECMA-335 III: one- or two-byte opcodes, then an
    /// operand whose size the opcode fixes; switch carries a count then that many targets).
    /// </summary>
    public static List<IlInstruction> Read(BlobReader il)
    {
        var instructions = new List<IlInstruction>();
        while (il.RemainingBytes > 0)
        {
            int code = il.ReadByte();
            if (code == 0xFE)
            {
                code = 0xFE00 | il.ReadByte();
            }

            var opCode = (ILOpCode)code;
            int token = 0;
            switch (OperandSize(opCode))
            {
                case 0:
                    break;
                case 1:
                    il.ReadByte();
                    break;
                case 2:
                    il.ReadInt16();
                    break;
                case 4 when IsTokenOperand(opCode):
                    token = il.ReadInt32();
                    break;
                case 4:
                    il.ReadInt32();
                    break;
                case 8:
                    il.ReadInt64();
                    break;
                case -1:
                    int targets = il.ReadInt32();
                    il.Offset += targets * 4;
                    break;
            }

            instructions.Add(new IlInstruction(opCode, token));
        }

        return instructions;
    }

    private static bool IsTokenOperand(ILOpCode opCode) => opCode switch
    {
        ILOpCode.Ldc_i4 or ILOpCode.Ldc_r4 => false,
        _ when opCode.IsBranch() => false,
        _ => true,
    };

    /// <summary>Operand size in bytes; -1 for switch.</summary>
    private static int OperandSize(ILOpCode opCode) => opCode switch
    {
        ILOpCode.Switch => -1,
        (ILOpCode)0xFE19 => 1, // no. prefix (typecheck, rangecheck, nullcheck flags)
        ILOpCode.Ldarg_s or ILOpCode.Ldarga_s or ILOpCode.Starg_s or ILOpCode.Ldloc_s or ILOpCode.Ldloca_s or ILOpCode.Stloc_s
            or ILOpCode.Ldc_i4_s or ILOpCode.Unaligned => 1,
        ILOpCode.Ldarg or ILOpCode.Ldarga or ILOpCode.Starg or ILOpCode.Ldloc or ILOpCode.Ldloca or ILOpCode.Stloc => 2,
        ILOpCode.Ldc_i8 or ILOpCode.Ldc_r8 => 8,
        ILOpCode.Ldc_i4 or ILOpCode.Ldc_r4 => 4,
        _ when opCode.IsBranch() => opCode.GetBranchOperandSize(),
        ILOpCode.Jmp or ILOpCode.Call or ILOpCode.Calli or ILOpCode.Callvirt or ILOpCode.Cpobj or ILOpCode.Ldobj or ILOpCode.Ldstr
            or ILOpCode.Newobj or ILOpCode.Castclass or ILOpCode.Isinst or ILOpCode.Unbox or ILOpCode.Ldfld or ILOpCode.Ldflda
            or ILOpCode.Stfld or ILOpCode.Ldsfld or ILOpCode.Ldsflda or ILOpCode.Stsfld or ILOpCode.Stobj or ILOpCode.Box
            or ILOpCode.Newarr or ILOpCode.Ldelema or ILOpCode.Ldelem or ILOpCode.Stelem or ILOpCode.Unbox_any
            or ILOpCode.Refanyval or ILOpCode.Mkrefany or ILOpCode.Ldtoken or ILOpCode.Ldftn or ILOpCode.Ldvirtftn
            or ILOpCode.Initobj or ILOpCode.Constrained or ILOpCode.Sizeof => 4,
        _ => 0,
    };
}
