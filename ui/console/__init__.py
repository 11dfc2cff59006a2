"""The commander's console window: plain view models (`models`), thin Qt adapters and widgets."""
