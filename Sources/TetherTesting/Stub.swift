public enum _Stub {}
