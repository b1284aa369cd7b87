// placeholder: replaced by the action entry
export {}
