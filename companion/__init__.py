"""IIPT Companion: the domain package. Nothing here imports streamlit except ``ui``."""
